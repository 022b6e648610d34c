import XCTest
import MetaTuneNumerics

/// LAPACK's eigenvalues of large symmetric matrices (used for correlation spectra of wide data).
final class SymmetricEigenvaluesTests: XCTestCase {
    func testLAPACKAgreesWithJacobiOnAGramMatrix() throws {
        // Z: 50 rows × 12 columns; ZᵀZ / 50 is symmetric positive semi-definite.
        var generator = SeededGenerator(seed: 9)
        let (rows, columns) = (50, 12)
        let z = (0..<(rows * columns)).map { _ in generator.nextUniform() * 2 - 1 }
        let gram = BLAS.upperGram(z, rows: rows, columns: columns, scale: 1 / Double(rows))
        // Only the upper triangle is filled; Jacobi wants the full matrix.
        let full = (0..<columns).map { i in (0..<columns).map { j in gram[min(i, j) * columns + max(i, j)] } }
        for i in 0..<columns {
            for j in i..<columns {
                let direct = (0..<rows).reduce(0.0) { $0 + z[$1 * columns + i] * z[$1 * columns + j] } / Double(rows)
                XCTAssertEqual(full[i][j], direct, accuracy: 1e-12)
            }
        }
        let lapack = try XCTUnwrap(SymmetricEigen.eigenvalues(ofSymmetric: gram, n: columns))
        let jacobi = SymmetricEigen(full).values.sorted()
        XCTAssertEqual(lapack.count, columns)
        for (a, b) in zip(lapack, jacobi) { XCTAssertEqual(a, b, accuracy: 1e-10) }
        XCTAssertNil(SymmetricEigen.eigenvalues(ofSymmetric: [1, 2, 3], n: 2), "a wrong shape is refused")
    }
}
