import Foundation
import XCTest
import MetaTuneNumerics
@testable import Neural

/// The text models that read token ids in order — Kim's convolution and the Transformer trained
/// from scratch: their gradients, and that padding, batch company and evaluation chunks change
/// nothing.
final class TextSequenceModelTests: XCTestCase {
    /// Rows of token ids (−1: padding) as a layer's input.
    private func rows(_ ids: [[Float]]) -> Tensor {
        Tensor(shape: [ids.count, ids[0].count], data: ids.flatMap { $0 })
    }

    func testSequenceMaximaTakeTheLargestValidPositionAndPassTheGradientThere() {
        // Two sequences of 3 positions, 2 features; the second sequence's last position is not valid.
        let x = Tensor(shape: [6, 2], data: [0.1, 0.9, 0.5, -0.2, 0.3, 0.4,
                                             -0.6, 0.2, -0.1, -0.3, 2.0, 5.0], requiresGrad: true)
        let valid = [true, true, true, true, true, false]
        let maxima = x.sequenceMaxima(length: 3, valid: valid)
        XCTAssertEqual(maxima.data, [0.5, 0.9, -0.1, 0.2])
        checkGradients([x], epsilon: 2e-3) { weightedSum(x.sequenceMaxima(length: 3, valid: valid)) }
        XCTAssertEqual(x.grad[10], 0, "an invalid position gets no gradient")
        XCTAssertEqual(x.grad[11], 0)
        // A second-order graph goes through it (a gather).
        let gradient = try? Tensor.gradients(of: weightedSum(x.sequenceMaxima(length: 3, valid: valid)), withRespectTo: [x], createGraph: true)
        XCTAssertEqual(gradient?.first?.shape, [6, 2])
    }

    func testTextConvolutionGradientsMatchFiniteDifferences() throws {
        var generator = SeededGenerator(seed: 7)
        let layer = try TextConvolution(vocabulary: 6, dimension: 3, filters: 4, kernel: 2, maxLength: 5, generator: &generator)
        // Keep the features away from ReLU's kink so that differences are smooth.
        layer.bias.data = [0.3, 0.2, 0.25, 0.35]
        let input = rows([[1, 4, 2, 5, -1], [3, 0, -1, -1, -1], [2, -1, -1, -1, -1]])
        var context = ForwardContext(training: true)
        checkGradients(layer.parameters, epsilon: 2e-3, tolerance: 3e-2) { weightedSum(layer.forward(input, &context)) }
        XCTAssertEqual(layer.forward(input, &context).shape, [3, 4])
    }

    func testTextConvolutionIgnoresPaddingCompanyTokensBeyondMaxLengthAndChunks() throws {
        var generator = SeededGenerator(seed: 8)
        let layer = try TextConvolution(vocabulary: 9, dimension: 4, filters: 5, kernel: 3, maxLength: 6, generator: &generator)
        var training = ForwardContext(training: true), evaluation = ForwardContext(training: false)
        let alone = layer.forward(rows([[1, 2, 3, 4, -1, -1, -1, -1]]), &training).data
        // Alone, in a batch beside a longer text, with tokens past max_length, or with unknown ids as padding.
        let company = layer.forward(rows([[1, 2, 3, 4, -1, -1, -1, -1], [5, 6, 7, 8, 1, 2, 3, 4]]), &training).data
        XCTAssertEqual(Array(company[0..<5]), alone)
        let longer = layer.forward(rows([[1, 2, 3, 4, -1, -1, 7, 8], [5, 6, 7, 8, 1, 2, 3, 4]]), &training).data
        XCTAssertEqual(Array(longer[5..<10]), Array(company[5..<10]), "tokens past max_length are not read")
        XCTAssertEqual(layer.forward(rows([[1, 2, 3, 4, 99, -1, -1, -1]]), &training).data, alone)
        // Evaluation runs 70 rows in chunks of 32 without a graph: the same numbers, no graph.
        let many = (0..<70).map { row in (0..<8).map { Float(($0 * 3 + row) % 10) - 1 } }
        let trained = layer.forward(rows(many), &training)
        let evaluated = layer.forward(rows(many), &evaluation)
        XCTAssertEqual(evaluated.shape, [70, 5])
        for (a, b) in zip(evaluated.data, trained.data) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        XCTAssertFalse(evaluated.requiresGrad)
        // A text shorter than the kernel has one window.
        XCTAssertEqual(layer.forward(rows([[4, -1, -1, -1, -1, -1, -1, -1]]), &training).shape, [1, 5])
        var other = SeededGenerator(seed: 1)
        XCTAssertThrowsError(try TextConvolution(vocabulary: 9, dimension: 4, filters: 5, kernel: 0, maxLength: 6, generator: &other))
    }

    func testTextTransformerGradientsMatchFiniteDifferences() throws {
        var generator = SeededGenerator(seed: 9)
        let layer = try TextTransformer(vocabulary: 5, dimension: 4, heads: 2, depth: 1, maxLength: 3, dropout: 0, generator: &generator)
        // Larger weights than BERT's 0.02 so that every path carries a visible gradient.
        for tensor in layer.parameters where tensor.shape.count == 2 {
            tensor.data = tensor.data.enumerated().map { index, _ in Float(generator.nextUniform() * 2 - 1) * 0.7 + (index % 3 == 0 ? 0.1 : 0) }
        }
        let input = rows([[1, 4, 2], [3, 0, -1], [2, -1, -1]])
        var context = ForwardContext(training: true)
        checkGradients(layer.parameters, epsilon: 5e-3, tolerance: 3e-2) { weightedSum(layer.forward(input, &context)) }
        // Padding positions' embeddings are never read: their rows get no gradient.
        let positions = layer.positions
        positions.zeroGrad()
        weightedSum(layer.forward(rows([[1, -1, -1]]), &context)).backward()
        XCTAssertEqual(Array(positions.grad[4..<12]), [Float](repeating: 0, count: 8))
    }

    func testTextTransformerIgnoresPaddingCompanyAndChunksAndRefusesHeadsThatDoNotDivide() throws {
        var generator = SeededGenerator(seed: 10)
        let layer = try TextTransformer(vocabulary: 9, dimension: 8, heads: 2, depth: 2, maxLength: 6, dropout: 0.2, generator: &generator)
        var evaluation = ForwardContext(training: false)
        let alone = layer.forward(rows([[1, 2, 3, -1, -1, -1, -1]]), &evaluation).data
        let company = layer.forward(rows([[1, 2, 3, -1, -1, -1, -1], [5, 6, 7, 8, 1, 2, 3]]), &evaluation).data
        for (a, b) in zip(company[0..<8], alone) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        let longer = layer.forward(rows([[1, 2, 3, -1, -1, -1, -1], [5, 6, 7, 8, 1, 2, 8]]), &evaluation).data
        XCTAssertEqual(Array(longer[8..<16]), Array(company[8..<16]), "the token past max_length is not read")
        // Dropout acts in training only; evaluation in chunks gives what one pass without dropout gives.
        var training = ForwardContext(training: true, seed: 3)
        XCTAssertNotEqual(layer.forward(rows([[1, 2, 3, -1, -1, -1, -1]]), &training).data, alone)
        let many = (0..<40).map { row in (0..<7).map { Float(($0 * 5 + row) % 10) - 1 } }
        let chunked = layer.forward(rows(many), &evaluation)
        let single = try TextTransformer(vocabulary: 9, dimension: 8, heads: 2, depth: 2, maxLength: 6, dropout: 0, generator: &generator)
        for (target, source) in zip(single.parameters, layer.parameters) { target.data = source.data }
        let whole = single.forward(rows(many), &training)
        XCTAssertEqual(chunked.shape, [40, 8])
        for (a, b) in zip(chunked.data, whole.data) { XCTAssertEqual(a, b, accuracy: 1e-4) }
        XCTAssertThrowsError(try TextTransformer(vocabulary: 9, dimension: 6, heads: 4, depth: 1, maxLength: 6, dropout: 0, generator: &generator)) {
            XCTAssertTrue("\($0)".contains("multiple of the heads"), "\($0)")
        }
    }
}
