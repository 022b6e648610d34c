#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
#endif
import Foundation

/// The eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: accurate to
/// machine precision and simple, which is all its users need (CMA-ES's covariance over a few
/// dozen hyperparameters; the correlation spectrum of a data set's features).
public struct SymmetricEigen: Sendable {
    /// The eigenvalues, in no particular order.
    public let values: [Double]
    /// The eigenvectors as columns: `vectors[i][k]` is component i of eigenvector k.
    public let vectors: [[Double]]

    /// Decomposes the symmetric n×n matrix `matrix` (row-major, only symmetry is assumed).
    public init(_ matrix: [[Double]]) {
        let n = matrix.count
        var a = matrix
        var v = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for _ in 0..<100 {
            var offDiagonal = 0.0
            for p in 0..<n { for q in (p + 1)..<n { offDiagonal += a[p][q] * a[p][q] } }
            if offDiagonal < 1e-300 { break }
            var scale = 0.0
            for p in 0..<n { scale += a[p][p] * a[p][p] }
            if offDiagonal <= 1e-30 * scale { break }
            for p in 0..<n {
                for q in (p + 1)..<n where a[p][q] != 0 {
                    Self.rotate(&a, &v, p, q)
                }
            }
        }
        values = (0..<n).map { a[$0][$0] }
        vectors = v
    }

    /// One Jacobi rotation zeroing a[p][q] (Golub & Van Loan, algorithm 8.4.1).
    private static func rotate(_ a: inout [[Double]], _ v: inout [[Double]], _ p: Int, _ q: Int) {
        let n = a.count
        let theta = (a[q][q] - a[p][p]) / (2 * a[p][q])
        let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
        let c = 1 / (t * t + 1).squareRoot()
        let s = t * c
        for k in 0..<n {
            let akp = a[k][p], akq = a[k][q]
            a[k][p] = c * akp - s * akq
            a[k][q] = s * akp + c * akq
        }
        for k in 0..<n {
            let apk = a[p][k], aqk = a[q][k]
            a[p][k] = c * apk - s * aqk
            a[q][k] = s * apk + c * aqk
        }
        for k in 0..<n {
            let vkp = v[k][p], vkq = v[k][q]
            v[k][p] = c * vkp - s * vkq
            v[k][q] = s * vkp + c * vkq
        }
    }
}

extension SymmetricEigen {
    /// The eigenvalues (ascending) of the symmetric n×n matrix `matrix` (row-major, n² values;
    /// only its upper triangle is read) by LAPACK's dsyev: for large matrices, where cyclic
    /// Jacobi rotations take minutes (a correlation matrix of a thousand features). Nil when
    /// LAPACK does not converge or the shape is wrong.
    public static func eigenvalues(ofSymmetric matrix: [Double], n: Int) -> [Double]? {
        guard n > 0, matrix.count == n * n else { return n == 0 && matrix.isEmpty ? [] : nil }
        var a = matrix, values = [Double](repeating: 0, count: n)
        // Row-major upper triangle = column-major lower triangle.
        var job = CChar(UInt8(ascii: "N")), uplo = CChar(UInt8(ascii: "L"))
        var order = Int32(n), lda = Int32(n), info: Int32 = 0, workSize = Int32(-1), optimal = 0.0
        dsyev_(&job, &uplo, &order, &a, &lda, &values, &optimal, &workSize, &info)
        guard info == 0 else { return nil }
        workSize = Int32(max(Double(3 * n), optimal))
        var work = [Double](repeating: 0, count: Int(workSize))
        dsyev_(&job, &uplo, &order, &a, &lda, &values, &work, &workSize, &info)
        return info == 0 ? values : nil
    }
}
