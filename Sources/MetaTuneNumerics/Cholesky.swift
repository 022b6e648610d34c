#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
#endif
import Foundation

/// The Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite matrix (Float64, LAPACK),
/// with jitter added to the diagonal when A is numerically singular.
public struct Cholesky: Sendable {
    /// The order of the matrix.
    public let n: Int
    /// L, row-major n×n; only the lower triangle (diagonal included) is meaningful.
    public let lower: [Double]
    /// The amount added to A's diagonal to make it factorise (0 when none was needed).
    public let jitter: Double

    /// Factorises the row-major symmetric `matrix` of order `n`. When A is not numerically
    /// positive definite, retries with a jitter of 1e-10 × mean(diag A) on the diagonal, growing
    /// tenfold up to `maxRelativeJitter` × mean(diag A); nil if even that fails.
    public init?(symmetric matrix: [Double], n: Int, maxRelativeJitter: Double = 1e-2) {
        precondition(matrix.count == n * n, "Cholesky: a \(n)×\(n) matrix needs \(n * n) entries")
        self.n = n
        if n == 0 {
            lower = []
            jitter = 0
            return
        }
        var meanDiagonal = 0.0
        for i in 0..<n { meanDiagonal += matrix[i * n + i] }
        meanDiagonal = max(meanDiagonal / Double(n), Double.leastNormalMagnitude)
        var added = 0.0
        var relative = 1e-10
        while true {
            var a = matrix
            if added > 0 { for i in 0..<n { a[i * n + i] += added } }
            if Self.factorInPlace(&a, n: n) {
                lower = a
                jitter = added
                return
            }
            guard relative <= maxRelativeJitter else { return nil }
            added = relative * meanDiagonal
            relative *= 10
        }
    }

    /// LAPACK's dpotrf on a row-major buffer: the column-major upper factor U (A = UᵀU) is the
    /// row-major lower factor L = Uᵀ. Zeroes the other triangle. False when A is not positive definite.
    private static func factorInPlace(_ a: inout [Double], n: Int) -> Bool {
        var uplo = CChar(UInt8(ascii: "U"))
        var order = Int32(n), lda = Int32(n), info: Int32 = 0
        a.withUnsafeMutableBufferPointer { dpotrf_(&uplo, &order, $0.baseAddress!, &lda, &info) }
        guard info == 0 else { return false }
        for i in 0..<n { for j in (i + 1)..<n { a[i * n + j] = 0 } }
        return true
    }

    /// log det A (of the jittered matrix): 2 Σ log Lᵢᵢ.
    public var logDeterminant: Double {
        var sum = 0.0
        for i in 0..<n { sum += log(lower[i * n + i]) }
        return 2 * sum
    }

    /// Solves L·x = b in place.
    public func solveLower(_ b: inout [Double]) {
        guard n > 0 else { return }
        lower.withUnsafeBufferPointer { l in
            cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, Int32(n), l.baseAddress!, Int32(n), &b, 1)
        }
    }

    /// Solves Lᵀ·x = b in place.
    public func solveUpper(_ b: inout [Double]) {
        guard n > 0 else { return }
        lower.withUnsafeBufferPointer { l in
            cblas_dtrsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, Int32(n), l.baseAddress!, Int32(n), &b, 1)
        }
    }

    /// A⁻¹·b.
    public func solve(_ b: [Double]) -> [Double] {
        var x = b
        solveLower(&x)
        solveUpper(&x)
        return x
    }

    /// Solves L·X = B in place for a row-major n×`columns` matrix B.
    public func solveLower(matrix b: inout [Double], columns: Int) {
        guard n > 0, columns > 0 else { return }
        lower.withUnsafeBufferPointer { l in
            cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, Int32(n), Int32(columns),
                        1, l.baseAddress!, Int32(n), &b, Int32(columns))
        }
    }

    /// A⁻¹ (of the jittered matrix), row-major and symmetric. Below order 160, L⁻¹ by a
    /// triangular solve against the identity, then (L⁻¹)ᵀ·L⁻¹ (level-3 BLAS, several times faster
    /// there than LAPACK's dpotri, which runs unblocked); from 160 on, dpotri (fewer flops).
    public func inverse() -> [Double] {
        guard n > 0 else { return [] }
        if n >= 160 {
            var a = lower  // column-major upper factor, as dpotrf left it
            var uplo = CChar(UInt8(ascii: "U"))
            var order = Int32(n), lda = Int32(n), info: Int32 = 0
            a.withUnsafeMutableBufferPointer { dpotri_(&uplo, &order, $0.baseAddress!, &lda, &info) }
            precondition(info == 0, "dpotri failed on a factor that dpotrf produced (info \(info))")
            for i in 0..<n { for j in (i + 1)..<n { a[i * n + j] = a[j * n + i] } }
            return a
        }
        var lowerInverse = [Double](repeating: 0, count: n * n)
        for i in 0..<n { lowerInverse[i * n + i] = 1 }
        solveLower(matrix: &lowerInverse, columns: n)
        var result = [Double](repeating: 0, count: n * n)
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, Int32(n), Int32(n), 1, lowerInverse, Int32(n), 0, &result, Int32(n))
        for i in 0..<n { for j in (i + 1)..<n { result[i * n + j] = result[j * n + i] } }
        return result
    }
}
