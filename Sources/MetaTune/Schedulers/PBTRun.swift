import Foundation

/// The state the workers of one asynchronous PBT run share, behind one lock: the members at rest
/// (between two steps, waiting for a worker), how many are training, the resource spent, the
/// first error. Exploit-and-explore runs under the same lock (`withMembersAtRest`), so a member
/// at rest is never copied while a worker takes it up.
final class PBTRun<Run>: SchedulerWorkers, @unchecked Sendable {
    private var atRest: [PopulationMember<Run>]

    init(members: [PopulationMember<Run>], usage: SchedulerUsage) {
        atRest = members
        super.init(usage: usage)
    }

    /// The member at rest that has trained least (among equals, the lowest `turn`: a seeded
    /// shuffle at each step, so that members do not reach each step in the same order every time
    /// — the last to arrive are the ones ranked against the most), or nil when the run is over —
    /// every member finished, `stop` said so, or a worker failed.
    func next(stop: () -> Bool) -> PopulationMember<Run>? {
        condition.withLock {
            while true {
                if firstError != nil || stopped { return nil }
                if stop() {
                    stopped = true
                    condition.broadcast()
                    return nil
                }
                if let index = atRest.indices.min(by: { (atRest[$0].used, atRest[$0].turn) < (atRest[$1].used, atRest[$1].turn) }) {
                    busy += 1
                    return atRest.remove(at: index)
                }
                if busy == 0 { return nil }
                // Nothing at rest: every member left is training; one may come back.
                condition.wait()
            }
        }
    }

    /// Counts resource a worker spent.
    func spent(_ resource: Int) { condition.withLock { counters.resource += resource } }

    /// Runs `body` under the lock with the members at rest (the donors this runner can copy in memory).
    func withMembersAtRest<T>(_ body: ([PopulationMember<Run>]) throws -> T) rethrows -> T {
        try condition.withLock { try body(atRest) }
    }

    /// A worker's member goes back to rest after a step.
    func rest(_ member: PopulationMember<Run>) {
        condition.withLock {
            atRest.append(member)
            busy -= 1
            condition.broadcast()
        }
    }

    /// Takes every member still at rest (once all workers are done).
    func drain() -> [PopulationMember<Run>] {
        condition.withLock {
            defer { atRest = [] }
            return atRest
        }
    }
}
