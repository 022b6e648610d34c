import Foundation

/// Carries a value that is only ever used by one thread at a time across a thread boundary.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Runs `body(0..<count)` on `concurrency` threads (or the caller's alone when 1). Real threads
/// rather than a pool sized to the cores: objectives often wait on I/O (a training process, a
/// remote job), and `concurrency` of them must run at once.
func runInParallel(count: Int, concurrency: Int, _ body: @escaping @Sendable (Int) -> Void) {
    guard concurrency > 1, count > 1 else {
        for index in 0..<count { body(index) }
        return
    }
    let next = IndexDispenser()
    let finished = DispatchGroup()
    for _ in 0..<min(concurrency, count) {
        finished.enter()
        Thread.detachNewThread {
            while let index = next.take(below: count) { body(index) }
            finished.leave()
        }
    }
    finished.wait()
}

/// Hands out 0, 1, 2, … to threads.
private final class IndexDispenser: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0

    func take(below count: Int) -> Int? {
        lock.withLock {
            guard next < count else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
