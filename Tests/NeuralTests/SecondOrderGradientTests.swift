import XCTest
import MetaTuneNumerics
@testable import Neural

/// `Tensor.gradients`: first-order gradients against `backward()`, and second-order ones
/// (Hessian-vector products through `createGraph`) against central finite differences of the
/// first-order gradient, for every operation with a differentiable gradient.
final class SecondOrderGradientTests: XCTestCase {
    private func randomTensor(_ shape: [Int], seed: UInt64, scale: Double = 1, requiresGrad: Bool = true) -> Tensor {
        var generator = SeededGenerator(seed: seed)
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float((generator.nextUniform() * 2 - 1) * scale) },
                      requiresGrad: requiresGrad)
    }

    /// A scalar with a non-zero Hessian in every element of `x`: Σ x² / 2 + Σ wᵢ·xᵢ.
    private func score(_ x: Tensor) -> Tensor {
        let weights = (0..<x.count).map { Float($0 % 7) * 0.3 - 0.8 }
        return (x * x).sum().scaled(by: 0.5) + x.multiplied(byConstant: weights).sum()
    }

    /// Checks `gradients` (first order) against `backward()`, then the Hessian-vector product
    /// H·v from differentiating the gradient again against (∇f(θ + εv) − ∇f(θ − εv)) / 2ε.
    private func check(_ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Float = 3e-2,
                       file: StaticString = #filePath, line: UInt = #line, _ loss: () -> Tensor) throws {
        for input in inputs { input.zeroGrad() }
        loss().backward()
        let first = try Tensor.gradients(of: loss(), withRespectTo: inputs)
        for (n, (input, gradient)) in zip(inputs, first).enumerated() {
            for i in 0..<input.count {
                XCTAssertEqual(gradient.data[i], input.grad[i], accuracy: 1e-4 * max(1, abs(input.grad[i])),
                               "first order, input \(n)[\(i)]", file: file, line: line)
            }
            XCTAssertFalse(gradient.requiresGrad, "a gradient without createGraph records a graph", file: file, line: line)
            input.zeroGrad()
        }
        let directions = inputs.enumerated().map { randomTensor($1.shape, seed: 100 + UInt64($0), requiresGrad: false) }
        let gradients = try Tensor.gradients(of: loss(), withRespectTo: inputs, createGraph: true)
        let projection = zip(gradients, directions).map { ($0 * $1).sum() }.reduce(Tensor(shape: [1], data: [0]), +)
        let hessianVector = try Tensor.gradients(of: projection, withRespectTo: inputs)
        func shifted(_ sign: Float) throws -> [Tensor] {
            let originals = inputs.map(\.data)
            for (input, direction) in zip(inputs, directions) {
                for i in 0..<input.count { input.data[i] += sign * epsilon * direction.data[i] }
            }
            defer { for (input, original) in zip(inputs, originals) { input.data = original } }
            return try Tensor.gradients(of: loss(), withRespectTo: inputs)
        }
        let (plus, minus) = (try shifted(1), try shifted(-1))
        for n in inputs.indices {
            for i in 0..<inputs[n].count {
                let numeric = (plus[n].data[i] - minus[n].data[i]) / (2 * epsilon)
                let analytic = hessianVector[n].data[i]
                XCTAssertEqual(analytic, numeric, accuracy: tolerance * max(1, abs(numeric)),
                               "Hessian-vector product, input \(n)[\(i)]", file: file, line: line)
            }
        }
    }

    func testMatmulLinearAndTheirTransposes() throws {
        let x = randomTensor([3, 4], seed: 1), w = randomTensor([4, 5], seed: 2), b = randomTensor([5], seed: 3)
        try check([x, w]) { score(x.matmul(w)) }
        try check([x, w, b]) { score(x.linear(weight: w, bias: b).tanh()) }
        let a = randomTensor([4, 3], seed: 4), c = randomTensor([5, 4], seed: 5)
        try check([a, w]) { score(a.matmul(w, transposeA: true, transposeB: false)) }
        try check([x, c]) { score(x.matmul(c, transposeA: false, transposeB: true)) }
        try check([a, c]) { score(a.matmul(c, transposeA: true, transposeB: true)) }
    }

    func testActivations() throws {
        let x = randomTensor([2, 6], seed: 6, scale: 2)
        x.data = x.data.map { abs($0) < 0.05 ? 0.3 : $0 }  // keep away from ReLU's kink
        let w = randomTensor([6, 6], seed: 7)
        // An activation between two uses of a weight, so its second derivative and the cross terms both count.
        for activation in Activation.allCases {
            try check([x, w]) { score(activation.apply(x.matmul(w)).matmul(w)) }
        }
        try check([x]) { score(x.reshaped([3, 4]).softmax()) }
        try check([x]) {
            var generator = SeededGenerator(seed: 8)  // the same mask at every evaluation
            return score(x.dropout(rate: 0.3, using: &generator))
        }
    }

    func testConvolutionAndPooling() throws {
        let x = randomTensor([2, 2, 5, 5], seed: 19), w = randomTensor([3, 2, 3, 3], seed: 20), b = randomTensor([3], seed: 21)
        try check([x, w, b]) { score(x.conv2d(weight: w, bias: b, stride: 1, padding: 1).tanh()) }
        try check([x, w]) { score(x.conv2d(weight: w, bias: nil, stride: 2, padding: 0).tanh()) }
        // Pooling picks one element per window; values 0.05 apart keep the picks fixed under the
        // finite differences' small moves, so its second-order terms come through the tanh around it.
        let spaced = Tensor(shape: [1, 2, 4, 4], data: (0..<32).map { Float(($0 * 13) % 32) * 0.05 - 0.8 }, requiresGrad: true)
        try check([spaced], epsilon: 1e-3) { score(spaced.maxPool2d(size: 2).tanh()) }
        try check([spaced, w]) { score(spaced.conv2d(weight: w, bias: nil, stride: 1, padding: 1).relu().maxPool2d(size: 2)) }
    }

    func testBatchNormalization() throws {
        let x = randomTensor([4, 3], seed: 22, scale: 2), gamma = randomTensor([3], seed: 23), beta = randomTensor([3], seed: 24)
        try check([x, gamma, beta]) { score(x.batchNormalized(gamma: gamma, beta: beta).0.tanh()) }
        let images = randomTensor([2, 2, 3, 3], seed: 25, scale: 2), g2 = randomTensor([2], seed: 26), b2 = randomTensor([2], seed: 27)
        try check([images, g2, b2]) { score(images.batchNormalized(gamma: g2, beta: b2).0.tanh()) }
        // Evaluation mode: fixed statistics.
        try check([x, gamma, beta]) { score(x.batchNormalized(gamma: gamma, beta: beta, mean: [0.1, -0.2, 0.3], variance: [1, 2, 0.5]).tanh()) }
    }

    func testLayerNormalizationAndEmbeddingLookup() throws {
        let x = randomTensor([3, 4], seed: 60, scale: 2), gamma = randomTensor([4], seed: 61), beta = randomTensor([4], seed: 62)
        try check([x, gamma, beta], epsilon: 5e-3) { score(x.layerNormalized(gamma: gamma, beta: beta, epsilon: 1e-5)) }
        let table = randomTensor([4, 3], seed: 63)
        try check([table]) { score(table.rows([3, 1, 3]).tanh()) }
        // Bags (3, 1), (3, 0) and an empty one: its row is zeros.
        try check([table]) { score(table.bagMeans(ids: [3, 1, 3, 0], starts: [0, 2, 4]).tanh()) }
    }

    func testLosses() throws {
        let x = randomTensor([4, 3], seed: 9), w = randomTensor([3, 3], seed: 10, scale: 2)
        try check([x, w]) { x.matmul(w).softmaxCrossEntropy(labels: [0, 2, 1, 2]) }
        try check([x, w]) { x.matmul(w).tanh().meanSquaredError((0..<12).map { Float($0) / 12 }) }
    }

    func testTheAlgebraGradientsAreWrittenIn() throws {
        let a = randomTensor([3, 4], seed: 11), b = randomTensor([3, 4], seed: 12), s = randomTensor([1], seed: 13)
        let v = randomTensor([4], seed: 14)
        try check([a, b]) { score((a + b) * (a - b)) }
        try check([a, s]) { score(a.multiplied(byScalar: s).oneMinus().adding(constant: [Float](repeating: 0.5, count: 12))) }
        try check([a]) { score(a.sumRows() * a.sumRows()) }
        try check([v, s]) { score(v.broadcastRows(3) * s.expanded(to: [3, 4])) }
        try check([a]) { score(a.rowSumsBroadcast() * a) }
    }

    func testAGradientDifferentiatedTwiceMoreThrowsInsteadOfGuessing() throws {
        let x = randomTensor([5], seed: 15)
        let first = try Tensor.gradients(of: x.gelu().sum(), withRespectTo: [x], createGraph: true)[0]
        let second = try Tensor.gradients(of: first.sum(), withRespectTo: [x], createGraph: true)[0]
        XCTAssertThrowsError(try Tensor.gradients(of: second.sum(), withRespectTo: [x], createGraph: true))
        XCTAssertThrowsError(try Tensor.gradients(of: x, withRespectTo: [x]), "a non-scalar output was accepted")
    }

    func testAnInputTheOutputDoesNotDependOnGetsZeros() throws {
        let x = randomTensor([2], seed: 16), unused = randomTensor([3], seed: 17)
        let gradients = try Tensor.gradients(of: (x * x).sum(), withRespectTo: [x, unused])
        XCTAssertEqual(gradients[1].data, [0, 0, 0])
        XCTAssertEqual(gradients[0].data, x.data.map { 2 * $0 })
    }

    func testNothingIsRecordedWithoutRecording() {
        let x = randomTensor([3], seed: 18)
        let y = Tensor.withoutRecording { (x * x).sum() }
        XCTAssertFalse(y.requiresGrad)
        XCTAssertTrue((x * x).sum().requiresGrad)
    }
}
