import XCTest
import MetaTuneNumerics

final class CholeskyTests: XCTestCase {
    /// A = [[4, 2], [2, 3]] has L = [[2, 0], [1, √2]].
    func testFactorSolveInverseAndDeterminantOfAKnownMatrix() throws {
        let factor = try XCTUnwrap(Cholesky(symmetric: [4, 2, 2, 3], n: 2))
        XCTAssertEqual(factor.jitter, 0)
        XCTAssertEqual(factor.lower[0], 2, accuracy: 1e-12)
        XCTAssertEqual(factor.lower[1], 0, accuracy: 1e-12)
        XCTAssertEqual(factor.lower[2], 1, accuracy: 1e-12)
        XCTAssertEqual(factor.lower[3], 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(factor.logDeterminant, log(8), accuracy: 1e-12)
        // A x = (8, 7) → x = (1.25, 1.5).
        let x = factor.solve([8, 7])
        XCTAssertEqual(x[0], 1.25, accuracy: 1e-12)
        XCTAssertEqual(x[1], 1.5, accuracy: 1e-12)
        let inverse = factor.inverse()
        let expected = [3.0 / 8, -2.0 / 8, -2.0 / 8, 4.0 / 8]
        for (a, b) in zip(inverse, expected) { XCTAssertEqual(a, b, accuracy: 1e-12) }
    }

    func testMultipleRightHandSidesMatchSingleSolves() throws {
        let a: [Double] = [5, 1, 0.5, 1, 4, 1, 0.5, 1, 3]
        let factor = try XCTUnwrap(Cholesky(symmetric: a, n: 3))
        var matrix: [Double] = [1, 2, 3, 4, 5, 6]  // 3×2, row-major
        factor.solveLower(matrix: &matrix, columns: 2)
        for column in 0..<2 {
            var b = [[1.0, 3, 5], [2.0, 4, 6]][column]
            factor.solveLower(&b)
            for row in 0..<3 { XCTAssertEqual(matrix[row * 2 + column], b[row], accuracy: 1e-12) }
        }
    }

    func testSingularMatrixGetsJitterAndIndefiniteOneIsRefused() throws {
        // Rank one: [[1, 1], [1, 1]].
        let factor = try XCTUnwrap(Cholesky(symmetric: [1, 1, 1, 1], n: 2))
        XCTAssertGreaterThan(factor.jitter, 0)
        XCTAssertLessThanOrEqual(factor.jitter, 1e-2)
        XCTAssertNil(Cholesky(symmetric: [1, 1, 1, 1], n: 2, maxRelativeJitter: 0))
        XCTAssertNil(Cholesky(symmetric: [-1, 0, 0, -1], n: 2))
    }
}

extension CholeskyTests {
    /// Both inversion paths (below and above order 160) give A·A⁻¹ = I.
    func testInverseOfLargerMatricesOnBothPaths() throws {
        for n in [40, 200] {
            var generator = SeededGenerator(seeds: [UInt64(n)])
            let b = (0..<(n * n)).map { _ in generator.nextStandardNormal() }
            var a = [Double](repeating: 0, count: n * n)  // BᵀB/n + I
            for i in 0..<n {
                for j in 0..<n {
                    var sum = 0.0
                    for k in 0..<n { sum += b[k * n + i] * b[k * n + j] }
                    a[i * n + j] = sum / Double(n) + (i == j ? 1 : 0)
                }
            }
            let inverse = try XCTUnwrap(Cholesky(symmetric: a, n: n)).inverse()
            var worst = 0.0
            for i in 0..<n {
                for j in 0..<n {
                    var sum = 0.0
                    for k in 0..<n { sum += a[i * n + k] * inverse[k * n + j] }
                    worst = max(worst, abs(sum - (i == j ? 1 : 0)))
                }
            }
            XCTAssertLessThan(worst, 1e-9, "order \(n)")
        }
    }
}
