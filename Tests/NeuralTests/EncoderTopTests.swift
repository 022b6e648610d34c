import Foundation
import XCTest
import MetaTuneNumerics
@testable import Neural

/// Transformer blocks on cached encoder states: their gradients, and that the cached-row layer
/// computes exactly what the blocks give on the full padded sequences.
final class EncoderTopTests: XCTestCase {
    private let hidden = 4, heads = 2, inner = 8

    /// A block of seeded random weights (layer-norm scales near 1).
    private func randomBlock(seed: UInt64, requiresGrad: Bool = true) -> TransformerBlock {
        var generator = SeededGenerator(seed: seed)
        let shapes = [[hidden, hidden], [hidden], [hidden, hidden], [hidden], [hidden, hidden], [hidden], [hidden, hidden], [hidden],
                      [hidden], [hidden], [hidden, inner], [inner], [inner, hidden], [hidden], [hidden], [hidden]]
        return TransformerBlock(shapes.enumerated().map { index, shape in
            let isScale = index == 8 || index == 14
            let values = (0..<shape.reduce(1, *)).map { _ in Float((generator.nextUniform() * 2 - 1) * 0.6 + (isScale ? 1 : 0)) }
            return Tensor(shape: shape, data: values, requiresGrad: requiresGrad)
        })
    }

    private func randomStates(rows: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<(rows * hidden)).map { _ in Float(generator.nextUniform() * 2 - 1) }
    }

    func testABlockAndSequenceMeansMatchFiniteDifferences() {
        let block = randomBlock(seed: 1)
        // Two sequences of 3 positions; the second has one padding position.
        let states = Tensor(shape: [6, hidden], data: randomStates(rows: 6, seed: 2), requiresGrad: true)
        let mask = [true, true, true, true, true, false]
        let weights = Tensor(shape: [2 * hidden, 1], data: (0..<(2 * hidden)).map { Float($0 % 5) * 0.4 - 0.7 })
        func loss() -> Tensor {
            block.apply(to: states, heads: heads, length: 3, mask: mask, epsilon: 1e-5).sequenceMeans(length: 3, mask: mask)
                .reshaped([1, 2 * hidden]).matmul(weights)
        }
        let inputs = [states] + block.parameters
        for input in inputs { input.zeroGrad() }
        loss().backward()
        for (n, input) in inputs.enumerated() {
            let analytic = input.grad
            XCTAssertEqual(analytic.count, input.count, "input \(n) got no gradient")
            for i in 0..<input.count {
                let original = input.data[i]
                input.data[i] = original + 5e-3
                let plus = Double(loss().scalar)
                input.data[i] = original - 5e-3
                let minus = Double(loss().scalar)
                input.data[i] = original
                let numeric = Float((plus - minus) / 1e-2)
                XCTAssertEqual(analytic[i], numeric, accuracy: 3e-2 * max(1, abs(numeric)), "input \(n)[\(i)]")
            }
        }
        // A padding position's state changes nothing: its gradient is zero.
        for j in 0..<hidden { XCTAssertEqual(states.grad[5 * hidden + j], 0) }
    }

    func testCachedRowsGiveWhatTheBlocksGiveOnTheFullSequences() throws {
        let blocks = [randomBlock(seed: 3, requiresGrad: false), randomBlock(seed: 4, requiresGrad: false)]
        let length = 5, lengths = [2, 4, 1]
        let cache = EncoderCache(hidden: hidden, length: length, heads: heads, epsilon: 1e-5, blocksAbove: blocks.map(\.values))
        let full = randomStates(rows: lengths.count * length, seed: 5)
        var mask: [Bool] = []
        for real in lengths { mask += (0..<length).map { $0 < real } }
        // What the two blocks and the mean over real positions give on the sequences padded to 5.
        var expected = Tensor(shape: [lengths.count * length, hidden], data: full)
        for block in blocks { expected = block.apply(to: expected, heads: heads, length: length, mask: mask, epsilon: 1e-5) }
        let pooled = expected.sequenceMeans(length: length, mask: mask)
        let rows = lengths.indices.flatMap { index in
            cache.row(realLength: lengths[index], pooled: pooled.data[(index * hidden)..<((index + 1) * hidden)],
                      states: full[(index * length * hidden)..<((index + 1) * length * hidden)])
        }
        let input = Tensor(shape: [lengths.count, cache.rowWidth], data: rows)
        XCTAssertEqual(cache.rowWidth, 1 + hidden + length * hidden)
        for fineTuned in 0...2 {
            let top = try EncoderTop(cache: cache, fineTuned: fineTuned)
            XCTAssertEqual(top.parameters.count, TransformerBlock.tensorCount * fineTuned)
            var training = ForwardContext(training: true), evaluation = ForwardContext(training: false)
            // Cut to the batch's longest real sequence (4, not 5) in training; in chunks without a graph in evaluation.
            for out in [top.forward(input, &training), top.forward(input, &evaluation),
                        top.forward(input, parameters: top.parameters[...], &training)] {
                XCTAssertEqual(out.shape, [lengths.count, hidden])
                for (a, b) in zip(out.data, pooled.data) { XCTAssertEqual(a, b, accuracy: 1e-5, "fine-tuned \(fineTuned)") }
            }
        }
        // The fine-tuned block's tensors get gradients (the frozen one below it is not among the parameters).
        let top = try EncoderTop(cache: cache, fineTuned: 1)
        var context = ForwardContext(training: true)
        top.forward(input, &context).sum().backward()
        XCTAssertTrue(top.parameters.allSatisfy { $0.grad.contains { $0 != 0 } })
        // More blocks than the cache keeps, or fewer than none, are refused.
        XCTAssertThrowsError(try EncoderTop(cache: cache, fineTuned: 3)) { XCTAssertTrue("\($0)".contains("0...2"), "\($0)") }
        XCTAssertThrowsError(try EncoderTop(cache: cache, fineTuned: -1))
    }

    func testLinearWarmUpThenDecayPerStep() {
        let schedule = LearningRateSchedule.linear
        // 10 steps, 4 of warm-up: 1/5 … 4/5, then 6/6 down to 1/6.
        let factors = (0..<10).map { schedule.stepFactor(step: $0, steps: 10, warmupSteps: 4) }
        let expected: [Float] = [0.2, 0.4, 0.6, 0.8, 1, 5.0 / 6, 4.0 / 6, 3.0 / 6, 2.0 / 6, 1.0 / 6]
        for (a, b) in zip(factors, expected) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertEqual(LearningRateSchedule.constant.stepFactor(step: 7, steps: 10, warmupSteps: 4), 1)
        XCTAssertEqual(LearningRateSchedule.linear.factor(epoch: 3, epochs: 5), 1)
    }
}
