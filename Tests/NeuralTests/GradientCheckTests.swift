import Foundation
import XCTest
import MetaTuneNumerics
@testable import Neural

/// Every operation's gradient against central finite differences (computed in Double from the
/// Float32 forward pass, so tolerances are loose but meaningful).
final class GradientCheckTests: XCTestCase {
    private func randomTensor(_ shape: [Int], seed: UInt64, scale: Double = 1) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float((generator.nextUniform() * 2 - 1) * scale) },
                      requiresGrad: true)
    }

    func testMatmulAndLinear() {
        let x = randomTensor([3, 4], seed: 1), w = randomTensor([4, 5], seed: 2), b = randomTensor([5], seed: 3)
        checkGradients([x, w]) { weightedSum(x.matmul(w)) }
        checkGradients([x, w, b]) { weightedSum(x.linear(weight: w, bias: b)) }
    }

    func testTransformerOps() {
        // Embedding lookup: a repeated id gathers its row's gradient twice.
        let table = randomTensor([5, 3], seed: 40)
        checkGradients([table]) { weightedSum(table.rows([4, 0, 4, 2])) }
        // Layer normalisation over each row.
        let x = randomTensor([3, 4], seed: 41, scale: 2), gamma = randomTensor([4], seed: 42), beta = randomTensor([4], seed: 43)
        checkGradients([x, gamma, beta], epsilon: 5e-3) { weightedSum(x.layerNormalized(gamma: gamma, beta: beta, epsilon: 1e-5)) }
        // Attention: 2 sequences of 3 tokens, 2 heads of size 2; the second sequence's last token is padding.
        let q = randomTensor([6, 4], seed: 44), k = randomTensor([6, 4], seed: 45), v = randomTensor([6, 4], seed: 46)
        let mask = [true, true, true, true, true, false]
        checkGradients([q, k, v]) { weightedSum(Tensor.attention(query: q, key: k, value: v, heads: 2, length: 3, keyMask: mask)) }
    }

    func testEmbeddingBagAveragesTheRowsOfEachBag() {
        var generator = SeededGenerator(seed: 50)
        let bag = EmbeddingBag(vocabulary: 5, dimension: 3, generator: &generator)
        // Row 0: ids 1, 4, 1 (padding −1 ignored); row 1: only padding.
        let input = Tensor(shape: [2, 4], data: [1, 4, -1, 1, -1, -1, -1, -1])
        var context = ForwardContext(training: true)
        let out = bag.forward(input, &context)
        let table = bag.table.data
        for column in 0..<3 {
            XCTAssertEqual(out.data[column], (2 * table[3 + column] + table[12 + column]) / 3, accuracy: 1e-6)
            XCTAssertEqual(out.data[3 + column], 0)
        }
        checkGradients([bag.table]) {
            var context = ForwardContext(training: true)
            return weightedSum(bag.forward(input, &context))
        }
    }

    func testAttentionIgnoresMaskedKeysAndMatchesAPlainSoftmax() {
        let q = randomTensor([4, 2], seed: 47), k = randomTensor([4, 2], seed: 48), v = randomTensor([4, 2], seed: 49)
        let out = Tensor.attention(query: q, key: k, value: v, heads: 1, length: 4, keyMask: [true, true, false, true])
        for i in 0..<4 {
            let keys = [0, 1, 3]
            var weights: [Double] = []
            for j in keys {
                let dot = Double(q.data[2 * i]) * Double(k.data[2 * j]) + Double(q.data[2 * i + 1]) * Double(k.data[2 * j + 1])
                weights.append(Foundation.exp(dot / 2.0.squareRoot()))
            }
            let total = weights.reduce(0, +)
            for c in 0..<2 {
                var expected = 0.0
                for (weight, j) in zip(weights, keys) { expected += weight / total * Double(v.data[2 * j + c]) }
                XCTAssertEqual(Double(out.data[2 * i + c]), expected, accuracy: 1e-5, "query \(i), column \(c)")
            }
        }
        // Changing a masked key or value changes nothing.
        k.data[4] += 5
        v.data[5] -= 3
        XCTAssertEqual(Tensor.attention(query: q, key: k, value: v, heads: 1, length: 4, keyMask: [true, true, false, true]).data, out.data)
    }

    func testActivations() {
        let x = randomTensor([2, 6], seed: 4, scale: 2)
        x.data = x.data.map { abs($0) < 0.05 ? 0.3 : $0 }  // keep away from ReLU's kink
        checkGradients([x]) { weightedSum(x.relu()) }
        checkGradients([x]) { weightedSum(x.tanh()) }
        checkGradients([x]) { weightedSum(x.sigmoid()) }
        checkGradients([x]) { weightedSum(x.gelu()) }
    }

    func testLosses() {
        let logits = randomTensor([4, 3], seed: 5, scale: 3)
        checkGradients([logits]) { logits.softmaxCrossEntropy(labels: [0, 2, 1, 2]) }
        let prediction = randomTensor([2, 3], seed: 6)
        checkGradients([prediction]) { prediction.meanSquaredError([0.5, -0.2, 0.1, 0.9, 0, -1]) }
    }

    func testSoftmaxCrossEntropyValue() {
        // Uniform logits: the loss is ln(classes).
        let logits = Tensor(shape: [2, 4], data: [Float](repeating: 3, count: 8))
        XCTAssertEqual(logits.softmaxCrossEntropy(labels: [1, 3]).scalar, log(4), accuracy: 1e-6)
        // Huge logits stay finite (stable log-sum-exp).
        let large = Tensor(shape: [1, 2], data: [1000, 0])
        XCTAssertEqual(large.softmaxCrossEntropy(labels: [1]).scalar, 1000, accuracy: 1e-3)
    }

    func testDropoutKeepsExpectationAndPassesGradientThroughKeptUnits() {
        var generator = SeededGenerator(seed: 9)
        let x = Tensor(shape: [1, 10_000], data: [Float](repeating: 1, count: 10_000), requiresGrad: true)
        let y = x.dropout(rate: 0.3, using: &generator)
        let mean = y.data.reduce(0, +) / Float(y.count)
        XCTAssertEqual(mean, 1, accuracy: 0.03)
        XCTAssertTrue(y.data.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
        weightedSum(y).backward()
        for i in 0..<x.count where y.data[i] == 0 { XCTAssertEqual(x.grad[i], 0) }
    }

    func testGradientsAccumulateOverSharedUse() {
        let x = randomTensor([2, 2], seed: 7)
        checkGradients([x]) { weightedSum(x.matmul(x)) }
    }

    func testConvolutionAndPooling() {
        let x = randomTensor([2, 2, 5, 5], seed: 11)
        let w = randomTensor([3, 2, 3, 3], seed: 12), b = randomTensor([3], seed: 13)
        checkGradients([x, w, b]) { weightedSum(x.conv2d(weight: w, bias: b, stride: 1, padding: 1)) }
        checkGradients([x, w]) { weightedSum(x.conv2d(weight: w, bias: nil, stride: 2, padding: 0)) }
        checkGradients([x]) { weightedSum(x.maxPool2d(size: 2)) }
    }

    /// The im2col + GEMM convolution against a naive loop kept as the oracle.
    func testConvolutionMatchesANaiveLoop() {
        let (n, cin, h, w, cout, k, pad) = (2, 3, 6, 5, 4, 3, 1)
        let x = randomTensor([n, cin, h, w], seed: 21), weight = randomTensor([cout, cin, k, k], seed: 22)
        let bias = randomTensor([cout], seed: 23)
        let fast = x.conv2d(weight: weight, bias: bias, stride: 1, padding: pad)
        XCTAssertEqual(fast.shape, [n, cout, h, w])
        for s in 0..<n { for o in 0..<cout { for oy in 0..<h { for ox in 0..<w {
            var sum = bias.data[o]
            for c in 0..<cin { for ky in 0..<k { for kx in 0..<k {
                let iy = oy + ky - pad, ix = ox + kx - pad
                if iy >= 0 && iy < h && ix >= 0 && ix < w {
                    sum += x.data[((s * cin + c) * h + iy) * w + ix] * weight.data[((o * cin + c) * k + ky) * k + kx]
                }
            } } }
            XCTAssertEqual(fast.data[((s * cout + o) * h + oy) * w + ox], sum, accuracy: 1e-5)
        } } } }
    }

    func testBatchNormalization() {
        let x = randomTensor([4, 3], seed: 31), gamma = randomTensor([3], seed: 32), beta = randomTensor([3], seed: 33)
        checkGradients([x, gamma, beta]) { weightedSum(x.batchNormalized(gamma: gamma, beta: beta).0) }
        let images = randomTensor([2, 2, 3, 3], seed: 34), g2 = randomTensor([2], seed: 35), b2 = randomTensor([2], seed: 36)
        checkGradients([images, g2, b2], tolerance: 3e-2) { weightedSum(images.batchNormalized(gamma: g2, beta: b2).0) }
        let (normalized, _, _) = x.batchNormalized(gamma: Tensor(shape: [3], data: [1, 1, 1]), beta: Tensor(zeros: [3]))
        for f in 0..<3 {
            let column = (0..<4).map { normalized.data[$0 * 3 + f] }
            XCTAssertEqual(column.reduce(0, +) / 4, 0, accuracy: 1e-5)
            XCTAssertEqual(column.map { $0 * $0 }.reduce(0, +) / 4, 1, accuracy: 1e-3)
        }
    }
}
