import Dispatch
import MetaTuneNumerics
import Synchronization

/// How many threads the engine's own loops (and BLAS) may use.
public enum Engine {
    nonisolated(unsafe) private static var threadCount = 1
    /// How many `sideBySide` calls are running: while any is, the engine's own loops and GEMMs
    /// stay on their caller's thread (the threads are taken by the independent pieces).
    private static let sideBySideDepth = Atomic<Int>(0)

    /// Threads one op may spread over now: the budget, or 1 inside `sideBySide` work.
    @inline(__always)
    static var opThreads: Int { sideBySideDepth.load(ordering: .relaxed) > 0 ? 1 : threadCount }

    /// The thread budget: at most this many threads run engine work at once (BLAS included).
    public static var threads: Int {
        get { threadCount }
        set {
            threadCount = max(1, newValue)
            // The engine splits GEMMs over its own threads (`Engine.gemm`); BLAS stays
            // single-threaded so that no idle BLAS thread spins against the engine's loops.
            BLAS.setThreads(1)
        }
    }

    /// Runs `body(chunk)` for chunks 0..<count, spread over `threads` threads when the work is
    /// large enough to pay for the hand-off.
    @inline(__always)
    static func parallelFor(_ count: Int, minimumWork: Int = 1 << 15, workPerItem: Int, _ body: (Int) -> Void) {
        let threads = opThreads
        guard threads > 1, count > 1, count * workPerItem >= minimumWork else {
            for i in 0..<count { body(i) }
            return
        }
        let chunks = min(threads, count)
        withoutActuallyEscaping(body) { body in
            // The callers' loops write disjoint index ranges, so sharing the closure is safe.
            let shared = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks, end = count * (chunk + 1) / chunks
                for i in start..<end { shared.value(i) }
            }
        }
    }
}

extension Engine {
    /// `body(i)` for i in 0..<count — independent pieces of engine work, such as the tasks of a
    /// meta-batch — spread over the thread budget, one piece per thread at a time, each piece's
    /// ops single-threaded (small tensors gain more from this than from splitting every op).
    /// Results come back in index order; the first error by index is rethrown after all pieces
    /// end. The pieces must not write to tensors another piece reads.
    public static func sideBySide<T>(_ count: Int, _ body: (Int) throws -> T) throws -> [T] {
        let threads = min(threadCount, count)
        guard threads > 1 else { return try (0..<count).map(body) }
        var results = [Result<T, Error>?](repeating: nil, count: count)
        sideBySideDepth.add(1, ordering: .sequentiallyConsistent)
        defer { sideBySideDepth.subtract(1, ordering: .sequentiallyConsistent) }
        results.withUnsafeMutableBufferPointer { slots in
            withoutActuallyEscaping(body) { body in
                // Each worker writes only the slots of its own indices.
                let (shared, output) = (UncheckedSendable(body), UncheckedSendable(slots))
                DispatchQueue.concurrentPerform(iterations: threads) { worker in
                    for index in stride(from: worker, to: count, by: threads) {
                        output.value[index] = Result { try shared.value(index) }
                    }
                }
            }
        }
        return try results.map { try $0!.get() }
    }

    /// C = alpha·op(A)·op(B) + beta·C (row-major, dense), split into column blocks of C (or row
    /// blocks when C is narrow) over the engine's threads, each block one single-threaded GEMM.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                     a: UnsafePointer<Float>, b: UnsafePointer<Float>, beta: Float = 0, c: UnsafeMutablePointer<Float>) {
        let lda = transposeA ? m : k, ldb = transposeB ? k : n
        let threads = opThreads
        guard threads > 1, m * n * k >= 1 << 16 else {
            BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                      b: b, ldb: ldb, beta: beta, c: c, ldc: n)
            return
        }
        let (shared_a, shared_b, shared_c) = (UncheckedSendable(a), UncheckedSendable(b), UncheckedSendable(c))
        if n >= m {
            DispatchQueue.concurrentPerform(iterations: threads) { part in
                let j0 = n * part / threads, j1 = n * (part + 1) / threads
                guard j1 > j0 else { return }
                let bBlock = transposeB ? shared_b.value + j0 * ldb : shared_b.value + j0
                BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: j1 - j0, k: k, alpha: alpha,
                          a: shared_a.value, lda: lda, b: bBlock, ldb: ldb, beta: beta, c: shared_c.value + j0, ldc: n)
            }
        } else {
            DispatchQueue.concurrentPerform(iterations: threads) { part in
                let i0 = m * part / threads, i1 = m * (part + 1) / threads
                guard i1 > i0 else { return }
                let aBlock = transposeA ? shared_a.value + i0 : shared_a.value + i0 * lda
                BLAS.gemm(transposeA: transposeA, transposeB: transposeB, m: i1 - i0, n: n, k: k, alpha: alpha,
                          a: aBlock, lda: lda, b: shared_b.value, ldb: ldb, beta: beta, c: shared_c.value + i0 * n, ldc: n)
            }
        }
    }

    /// Runs `body(start, end)` over 0..<count in chunks of `chunk` elements, in parallel when large.
    @inline(__always)
    static func forEachChunk(_ count: Int, chunk: Int = 16_384, _ body: (Int, Int) -> Void) {
        let chunks = (count + chunk - 1) / chunk
        parallelFor(chunks, workPerItem: chunk) { c in
            body(c * chunk, Swift.min((c + 1) * chunk, count))
        }
    }
}

/// An array whose every element the caller is about to overwrite (no zeroing pass).
@inline(__always)
func uninitializedArray(_ count: Int, _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> [Float] {
    [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        fill(buffer)
        initialized = count
    }
}

/// Hands a value to concurrent work whose safety the caller guarantees.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T

    init(_ value: T) {
        self.value = value
    }
}
