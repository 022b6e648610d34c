import Foundation

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
