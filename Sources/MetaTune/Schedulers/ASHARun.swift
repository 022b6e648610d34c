import Foundation

/// A trial this runner started and has paused (or is advancing): its training run and its rung.
struct ASHAMember<Run>: @unchecked Sendable {
    let trial: Trial
    let run: Run
    var rung: Int
    var used: Int
    var rungValues: [String: JSONValue] = [:]
    /// Whether the paused trial was released in the storage for any runner to take up (its owner
    /// then is none, and this runner must take it back before promoting or stopping it).
    var released = false

    init(trial: Trial, run: Run, rung: Int, used: Int) {
        self.trial = trial
        self.run = run
        self.rung = rung
        self.used = used
    }
}

/// What an idle ASHA worker does next.
enum ASHAJob<Run> {
    case promote(ASHAMember<Run>)
    case start
}

/// The trial to promote that an ASHA worker picked: one this runner paused (by trial id), or one
/// another runner paused and released, already taken over; and this runner's released trials that
/// another runner took meanwhile (by trial id), which are no longer this runner's to promote.
struct ASHAPick<Run> {
    enum Choice {
        case own(trialID: Int)
        case other(ASHAMember<Run>)
    }
    var choice: Choice?
    var taken: Set<Int> = []
}

/// The state the workers of one ASHA run share, behind one lock. A job's resource is counted
/// when it is handed out (it is spent even if the trial then fails), so that concurrent workers
/// never overrun the budget together.
final class ASHARun<Run>: SchedulerWorkers, @unchecked Sendable {
    private let trials: Int
    private let budget: Int?
    /// The resource that advancing a trial to `rung` from `used` spends.
    private let cost: (_ rung: Int, _ used: Int) -> Int
    private var paused: [ASHAMember<Run>] = []
    private var startedCount = 0

    init(trials: Int, budget: Int?, cost: @escaping (_ rung: Int, _ used: Int) -> Int) {
        self.trials = trials
        self.budget = budget
        self.cost = cost
        super.init()
    }

    /// Whether `resource` more fits in the budget (call under the lock).
    private func fits(_ resource: Int) -> Bool {
        budget.map { counters.resource + resource <= $0 } ?? true
    }

    /// The next job, or nil when the run is over: a promotion if `pick` finds one (it is given
    /// this runner's paused trials and whether advancing a trial of rung k from resource `used`
    /// fits in the budget), else a new trial while the trial count and the budget last, else
    /// waits for a busy worker (whose result may make a promotion possible) — and ends once
    /// nobody is busy.
    func nextJob(stop: () -> Bool,
                 pick: (_ paused: [ASHAMember<Run>], _ fits: (_ rung: Int, _ used: Int) -> Bool) throws -> ASHAPick<Run>) throws -> ASHAJob<Run>? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if firstError != nil { return nil }
            if stop() { stopped = true }
            if stopped {
                condition.broadcast()
                return nil
            }
            let picked = try pick(paused) { rung, used in fits(cost(rung + 1, used)) }
            paused.removeAll { picked.taken.contains($0.trial.id) }
            let member: ASHAMember<Run>?
            switch picked.choice {
            case .own(let trialID)?: member = paused.firstIndex { $0.trial.id == trialID }.map { paused.remove(at: $0) }
            case .other(let taken)?: member = taken
            case nil: member = nil
            }
            if let member {
                busy += 1
                counters.resource += cost(member.rung + 1, member.used)
                return .promote(member)
            }
            let firstRung = cost(0, 0)
            if startedCount < trials, fits(firstRung) {
                startedCount += 1
                busy += 1
                counters.resource += firstRung
                return .start
            }
            if busy == 0 {
                condition.broadcast()
                return nil
            }
            condition.wait()
        }
    }

    func started(fullBudget: Int) {
        condition.withLock {
            counters.trialsStarted += 1
            counters.fullBudgetEquivalent += fullBudget
        }
    }

    /// A new trial failed to start: it spent nothing of the resource its job counted.
    func refundStart() {
        condition.withLock { counters.resource -= cost(0, 0) }
    }

    /// A worker's trial reached a rung below the top and waits for promotion.
    func pause(_ member: ASHAMember<Run>) {
        condition.withLock {
            paused.append(member)
            busy -= 1
            condition.broadcast()
        }
    }

    /// Takes every paused trial (once all workers are done).
    func drainPaused() -> [ASHAMember<Run>] {
        condition.withLock {
            defer { paused = [] }
            return paused
        }
    }
}
