#if canImport(Accelerate)
import Accelerate
#else
import COpenBLAS
#endif

/// The dense linear algebra MetaTune needs, on the platform's BLAS (OpenBLAS on Linux,
/// Accelerate on macOS). Matrices are row-major Float32 unless stated.
public enum BLAS {
    /// C = alpha · op(A) · op(B) + beta · C, where op(A) is m×k, op(B) is k×n and C is m×n, all
    /// row-major with leading dimensions equal to their column counts as stored.
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                            a: UnsafePointer<Float>, b: UnsafePointer<Float>, beta: Float = 0,
                            c: UnsafeMutablePointer<Float>) {
        let lda = transposeA ? m : k
        let ldb = transposeB ? k : n
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(n))
    }

    /// The same with explicit leading dimensions (row strides) of A, B and C, for sub-matrices.
    @inlinable
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
                            c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// scale · ZᵀZ for a row-major Float64 Z of `rows` × `columns`, as a row-major columns ×
    /// columns matrix of which only the upper triangle is filled (dsyrk).
    public static func upperGram(_ z: [Double], rows: Int, columns: Int, scale: Double) -> [Double] {
        var gram = [Double](repeating: 0, count: columns * columns)
        guard rows > 0, columns > 0, z.count == rows * columns else { return gram }
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(columns), Int32(rows), scale, z, Int32(columns), 0, &gram, Int32(columns))
        return gram
    }

    /// Sets how many threads BLAS may use (OpenBLAS; a no-op elsewhere).
    public static func setThreads(_ count: Int) {
        #if !canImport(Accelerate)
        openblas_set_num_threads(Int32(count))
        #endif
    }

    /// How many threads BLAS uses.
    public static var threads: Int {
        #if canImport(Accelerate)
        return 1
        #else
        return Int(openblas_get_num_threads())
        #endif
    }
}
