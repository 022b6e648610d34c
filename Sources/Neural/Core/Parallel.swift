import Dispatch
import Numerics

/// How many threads the engine's own loops (and BLAS) may use.
public enum Engine {
    nonisolated(unsafe) private static var threadCount = 1

    /// The thread budget: at most this many threads run engine work at once (BLAS included).
    public static var threads: Int {
        get { threadCount }
        set {
            threadCount = max(1, newValue)
            BLAS.setThreads(threadCount)
        }
    }

    /// Runs `body(chunk)` for chunks 0..<count, spread over `threads` threads when the work is
    /// large enough to pay for the hand-off.
    @inline(__always)
    static func parallelFor(_ count: Int, minimumWork: Int = 1 << 15, workPerItem: Int, _ body: (Int) -> Void) {
        let threads = threadCount
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
