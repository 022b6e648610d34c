import XCTest
@testable import Neural

extension XCTestCase {
    /// Compares the analytic gradient of `loss(inputs)` with central finite differences for every
    /// element of `inputs` (computed in Double from the Float32 forward pass, so tolerances are
    /// loose but meaningful).
    func checkGradients(_ inputs: [Tensor], epsilon: Float = 1e-2, tolerance: Float = 2e-2,
                        file: StaticString = #filePath, line: UInt = #line, _ loss: () -> Tensor) {
        for input in inputs { input.zeroGrad() }
        loss().backward()
        for (n, input) in inputs.enumerated() {
            let analytic = input.grad
            XCTAssertEqual(analytic.count, input.count, "input \(n) got no gradient", file: file, line: line)
            guard analytic.count == input.count else { continue }
            for i in 0..<input.count {
                let original = input.data[i]
                input.data[i] = original + epsilon
                let plus = Double(loss().scalar)
                input.data[i] = original - epsilon
                let minus = Double(loss().scalar)
                input.data[i] = original
                let numeric = Float((plus - minus) / Double(2 * epsilon))
                let scale = max(1, abs(numeric), abs(analytic[i]))
                XCTAssertEqual(analytic[i], numeric, accuracy: tolerance * scale, "input \(n)[\(i)]", file: file, line: line)
            }
        }
    }

    /// A scalar that depends on every element of `x` with distinct weights.
    func weightedSum(_ x: Tensor) -> Tensor {
        let weights = Tensor(shape: [x.count, 1], data: (0..<x.count).map { Float($0 % 7) * 0.3 - 0.8 })
        return x.reshaped([1, x.count]).matmul(weights)
    }
}
