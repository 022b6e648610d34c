import Foundation

/// Carries a value that is only ever used by one thread at a time across a thread boundary.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Runs `body(0..<count)` on `concurrency` threads (or the caller's alone when 1).
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

/// One result slot per index, written from several threads.
final class ResultSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Double, Error>]

    init(count: Int) {
        slots = Array(repeating: .failure(StudyError.invalidArgument("not run")), count: count)
    }

    func set(_ index: Int, _ result: Result<Double, Error>) { lock.withLock { slots[index] = result } }

    var values: [Result<Double, Error>] { lock.withLock { slots } }
}

/// Advances each (trial, run) to `resource`, `concurrency` at a time; the outcome of each, in order.
func advanceAll<Objective: ResumableObjective>(_ runs: [(trial: Trial, run: Objective.Run)], objective: Objective,
                                               to resource: Int, concurrency: Int) -> [Result<Double, Error>] {
    let results = ResultSlots(count: runs.count)
    let work = UncheckedBox { (index: Int) in
        results.set(index, Result { try objective.advance(runs[index].run, of: runs[index].trial, to: resource) })
    }
    runInParallel(count: runs.count, concurrency: concurrency) { work.value($0) }
    return results.values
}
