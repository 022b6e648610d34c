import Foundation

/// What the workers of one scheduler run share behind one lock: how many are busy, whether the
/// run was stopped, the first error and the resource counters. `ASHARun` and `PBTRun` add the
/// trials they hold between steps.
class SchedulerWorkers: @unchecked Sendable {
    let condition = NSCondition()
    /// Workers holding a job (under the lock).
    var busy = 0
    var stopped = false
    private(set) var firstError: Error?
    /// The resource spent and the trials started (under the lock).
    var counters: SchedulerUsage

    init(usage: SchedulerUsage = SchedulerUsage()) {
        counters = usage
    }

    var usage: SchedulerUsage { condition.withLock { counters } }

    /// A worker's trial finished (complete or failed); `report` runs under the lock.
    func finished(_ report: () -> Void) {
        condition.withLock {
            busy -= 1
            report()
            condition.broadcast()
        }
    }

    /// A worker stopped on `error`; the first one ends the run.
    func fail(_ error: Error) {
        condition.withLock {
            if firstError == nil { firstError = error }
            busy -= 1
            condition.broadcast()
        }
    }
}
