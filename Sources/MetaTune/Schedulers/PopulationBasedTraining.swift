import Foundation
import MetaTuneNumerics

/// Population-based training (Jaderberg et al. 2017) in its asynchronous form: a population of
/// trials trains side by side, and whenever a member has trained another `interval` units of
/// resource it is ranked against every member of the study that reached the same resource — on
/// this runner or any other sharing the storage — with no waiting for the others (it is ranked
/// once at least half as many members as this runner's population got that far). A member in the
/// bottom `truncation` share is then replaced (exploit) by a copy of a random member of the top
/// share as it stands now — its state and its hyperparameters — whose mutable hyperparameters are
/// perturbed by ×0.8 or ×1.2 (explore; a `resampleProbability` chance draws them afresh instead).
/// Members thus follow hyperparameter schedules, such as a decaying learning rate, that no fixed
/// configuration has.
///
/// Each member is one trial: its parameters are the starting ones, its learning curve is its own
/// (a copy continues from the resource its donor had reached), its value at each step is the
/// system attribute `pbt_values` (resource → value), and its user attribute `pbt` lists each
/// exploit (resource, donor trial, new parameters) — the lineage. A donor is copied from memory
/// when it belongs to this runner and rests between steps; another runner's member is copied from
/// the state it stored (`pbt_state`, from `ResumableObjective.handover(of:)`: for a command, its
/// checkpoint in a folder every runner shares). A copy that fails (the donor moved on and removed
/// that checkpoint) is skipped and noted in `pbt_exploit_failures`. Every member finishes at the
/// maximum resource.
public struct PopulationBasedTraining: Sendable {
    public struct Options: Sendable {
        /// Resource between two exploit-and-explore steps.
        public var interval: Int
        /// The resource every member trains to.
        public var maxResource: Int
        /// The share of the population replaced at each step (bottom) and copied from (top).
        public var truncation = 0.25
        /// The chance that explore draws a mutable parameter afresh instead of perturbing it.
        public var resampleProbability = 0.25
        public var seed: UInt64 = 0

        public init(interval: Int, maxResource: Int) {
            self.interval = interval
            self.maxResource = maxResource
        }
    }

    /// The user attribute recording a member's exploits.
    public static let historyKey = "pbt"
    /// The system attribute holding a member's value at each resource it reached.
    public static let valuesKey = "pbt_values"
    /// The system attribute holding what another runner needs to copy a member's current state.
    static let stateKey = "pbt_state"
    /// The system attribute listing the copies that failed (resource, donor, reason).
    static let exploitFailuresKey = "pbt_exploit_failures"

    public let options: Options

    public init(options: Options) throws {
        guard options.maxResource >= 1 else { throw StudyError.invalidArgument("the maximum resource must be at least 1") }
        guard options.interval >= 1 else { throw StudyError.invalidArgument("the population-based training interval must be at least 1") }
        guard options.truncation > 0, options.truncation <= 0.5 else {
            throw StudyError.invalidArgument("the truncation share must be in (0, 0.5] (got \(options.truncation))")
        }
        guard (0...1).contains(options.resampleProbability) else {
            throw StudyError.invalidArgument("the resample probability must be in [0, 1] (got \(options.resampleProbability))")
        }
        self.options = options
    }

    /// The resources at which a member is ranked and the last one, where it finishes.
    public var checkpoints: [Int] {
        Array(stride(from: options.interval, to: options.maxResource, by: options.interval)) + [options.maxResource]
    }

    /// The step a member that has used `resource` trains to next.
    func nextCheckpoint(after resource: Int) -> Int {
        checkpoints.first { $0 > resource } ?? options.maxResource
    }

    /// Trains a population of `population` new trials to the maximum resource, `concurrency`
    /// members at a time, each taking the member at rest that has trained least. `stop` is
    /// checked before each step (members at rest are then recorded as interrupted);
    /// `onTrialFinished` sees each trial as it finishes (from the worker that finished it, one at
    /// a time).
    public func run<Objective: PopulationObjective>(study: Study, objective: Objective, population: Int, concurrency: Int = 1,
                                                    stop: @escaping @Sendable () -> Bool = { false },
                                                    onTrialFinished: @escaping (FrozenTrial) -> Void = { _ in }) throws -> SchedulerUsage {
        guard population >= 2 else { throw StudyError.invalidArgument("population-based training needs a population of at least 2") }
        guard concurrency >= 1 else { throw StudyError.invalidArgument("concurrency must be at least 1") }
        guard objective.resumes else { throw StudyError.invalidArgument("population-based training needs runs that can be saved and resumed") }
        var usage = SchedulerUsage()
        var members: [PopulationMember<Objective.Run>] = []
        for _ in 0..<population {
            let trial = try study.ask()
            usage.trialsStarted += 1
            usage.fullBudgetEquivalent += options.maxResource
            do {
                let run = try objective.start(trial)
                let stored = try study.storage.trial(id: trial.id)
                members.append(PopulationMember(trial: trial, run: run, params: stored.params, distributions: stored.distributions))
            } catch {
                try study.tell(trial, state: .failed, reason: "\(error)")
                onTrialFinished(try study.storage.trial(id: trial.id))
            }
        }
        let state = PBTRun(members: members, usage: usage)
        let worker = UncheckedBox {
            do {
                try work(state: state, study: study, objective: objective, population: population, stop: stop,
                         onTrialFinished: onTrialFinished)
            } catch {
                state.fail(error)
            }
        }
        runInParallel(count: concurrency, concurrency: concurrency) { _ in worker.value() }
        for member in state.drain() {
            try study.tell(member.trial, state: .pruned, reason: "run interrupted at resource \(member.used)")
            onTrialFinished(try study.storage.trial(id: member.trial.id))
        }
        if let error = state.firstError { throw error }
        return state.usage
    }

    /// One worker's loop: train the least-trained member at rest one step, record its value, then
    /// complete it or exploit-and-explore and put it back to rest.
    private func work<Objective: PopulationObjective>(state: PBTRun<Objective.Run>, study: Study, objective: Objective, population: Int,
                                                      stop: @Sendable () -> Bool, onTrialFinished: (FrozenTrial) -> Void) throws {
        let shares = study.storage.isSharedBetweenProcesses
        while var member = state.next(stop: stop) {
            let target = nextCheckpoint(after: member.used)
            let value: Double
            do {
                value = try objective.advance(member.run, of: member.trial, to: target)
            } catch {
                state.spent(objective.cost(from: member.used, to: target))
                try finish(member.trial, state: .failed, value: nil, reason: "\(error)", study: study, run: state, onTrialFinished)
                continue
            }
            state.spent(objective.cost(from: member.used, to: target))
            guard value.isFinite else {
                try finish(member.trial, state: .failed, value: nil, reason: "the objective value is not finite (\(value))",
                           study: study, run: state, onTrialFinished)
                continue
            }
            member.used = target
            member.value = value
            member.values[String(target)] = .number(value)
            try member.trial.setSystemAttribute(Self.valuesKey, .object(member.values))
            if target >= options.maxResource {
                try finish(member.trial, state: .complete, value: value, reason: nil, study: study, run: state, onTrialFinished)
                continue
            }
            try store(member, objective: objective, shares: shares)
            let exploits = member.history.count
            member = try state.withMembersAtRest { atRest in
                try exploitAndExplore(member, atRest: atRest, objective: objective, at: target, study: study, shares: shares,
                                      minimumRanked: (population + 1) / 2)
            }
            if member.history.count != exploits { try store(member, objective: objective, shares: shares) }
            var shuffle = decisionGenerator(seed: options.seed, trial: member.trial.number, label: "pbt-turn-\(member.used)")
            member.turn = shuffle.nextUniform()
            state.rest(member)
        }
    }

    /// Stores what another runner needs to copy `member`'s current state, when runners share.
    private func store<Objective: PopulationObjective>(_ member: PopulationMember<Objective.Run>, objective: Objective, shares: Bool) throws {
        guard shares, let handover = objective.handover(of: member.run) else { return }
        try member.trial.setSystemAttribute(Self.stateKey, .object([
            "used": .number(Double(member.used)), "value": .number(member.value), "handover": handover,
            "params": .object(member.params.mapValues(\.jsonValue)),
        ]))
    }

    /// Ranks `member` against every member of the study that reached `resource` — once at least
    /// `minimumRanked` have (half this runner's population), so that an early arrival is not
    /// judged against a handful; in the bottom share, it becomes a perturbed copy of a random
    /// member of the top share that can be copied now (one of this runner's members at rest, or
    /// another runner's running member with a stored state). Returns the member, replaced or not.
    private func exploitAndExplore<Objective: PopulationObjective>(_ member: PopulationMember<Objective.Run>,
                                                                   atRest: [PopulationMember<Objective.Run>], objective: Objective,
                                                                   at resource: Int, study: Study, shares: Bool,
                                                                   minimumRanked: Int) throws -> PopulationMember<Objective.Run> {
        let key = String(resource)
        let sign = study.direction == .maximize ? 1.0 : -1.0
        var reached: [(trial: FrozenTrial, score: Double)] = try study.history().trials.compactMap { trial in
            guard case .number(let value)? = trial.systemAttributes[Self.valuesKey]?[key] else { return nil }
            return (trial, sign * value)
        }
        let count = Int((Double(reached.count) * options.truncation).rounded(.down))
        guard reached.count >= minimumRanked, count >= 1 else { return member }
        reached.sort { $0.score > $1.score || ($0.score == $1.score && $0.trial.number < $1.trial.number) }
        guard reached.suffix(count).contains(where: { $0.trial.id == member.trial.id }) else { return member }
        let resting = Dictionary(atRest.map { ($0.trial.id, $0) }, uniquingKeysWith: { first, _ in first })
        func copyable(_ donor: FrozenTrial) -> Bool {
            if donor.id == member.trial.id { return false }
            if resting[donor.id] != nil { return true }
            let othersRunning = donor.state == .running && donor.owner != TrialOwner.current
            return shares && othersRunning && donor.systemAttributes[Self.stateKey] != nil
        }
        let donors: [FrozenTrial] = reached.prefix(count).map { $0.trial }.filter(copyable)
        guard !donors.isEmpty else { return member }
        var generator = decisionGenerator(seed: options.seed, trial: member.trial.number, label: "pbt-\(resource)")
        let donor = donors[Int(generator.nextUniform() * Double(donors.count)) % donors.count]
        var replaced = member
        do {
            let source: (run: Objective.Run, used: Int, value: Double, params: [String: ParamValue])
            if let own = resting[donor.id] {
                source = (own.run, own.used, own.value, own.params)
            } else {
                source = try storedState(of: donor, objective: objective, study: study)
            }
            let params = explore(source.params, distributions: donor.distributions, objective: objective, generator: &generator)
            replaced.run = try objective.exploit(source.run, for: member.trial, params: params)
            replaced.params = params
            replaced.distributions = donor.distributions
            replaced.used = source.used
            replaced.value = source.value
            var event: [String: JSONValue] = ["resource": .number(Double(resource)), "from_trial": .number(Double(donor.number)),
                                              "params": .object(params.mapValues { $0.jsonValue })]
            if source.used != resource { event["continues_at"] = .number(Double(source.used)) }
            replaced.history.append(.object(event))
            try member.trial.setUserAttribute(Self.historyKey, .array(replaced.history))
            return replaced
        } catch let error as StorageError {
            throw error
        } catch {
            var kept = member
            kept.exploitFailures.append(.object(["resource": .number(Double(resource)), "from_trial": .number(Double(donor.number)),
                                                 "reason": .string("\(error)")]))
            try member.trial.setSystemAttribute(Self.exploitFailuresKey, .array(kept.exploitFailures))
            return kept
        }
    }

    /// Another runner's member as it stored itself: a run resumed from its hand-over record, the
    /// resource it had used, its value and its current parameters.
    private func storedState<Objective: PopulationObjective>(of donor: FrozenTrial, objective: Objective,
                                                             study: Study) throws -> (run: Objective.Run, used: Int, value: Double, params: [String: ParamValue]) {
        guard let record = donor.systemAttributes[Self.stateKey], case .number(let used)? = record["used"],
              case .number(let value)? = record["value"], let handover = record["handover"],
              case .object(let stored)? = record["params"] else {
            throw StudyError.invalidArgument("trial \(donor.number) stored no state to copy")
        }
        let params = donor.params.merging(Self.storedParams(stored, distributions: donor.distributions)) { $1 }
        let trial = Trial(study: study, frozen: donor, relativeSpace: [:], relativeParams: [:])
        return (try objective.resume(trial, from: handover), Int(used), value, params)
    }

    /// The donor's parameters with each mutable one perturbed (×0.8 or ×1.2 for numbers on a log
    /// scale, ±20 % of the range otherwise) or, with the resample probability, drawn afresh.
    func explore<Objective: PopulationObjective>(_ params: [String: ParamValue], distributions: [String: Distribution],
                                                 objective: Objective, generator: inout SeededGenerator) -> [String: ParamValue] {
        var explored = params
        for name in params.keys.sorted() where objective.isMutable(name) {
            guard let distribution = distributions[name], let current = params[name],
                  let raw = distribution.internalValue(of: current) else { continue }
            if generator.nextUniform() < options.resampleProbability {
                explored[name] = distribution.externalValue(distribution.internalValue(fromUnit: generator.nextUniform()))
                continue
            }
            let up = generator.nextUniform() < 0.5
            switch distribution {
            case .float(let d) where d.log:
                explored[name] = distribution.externalValue(raw * (up ? 1.2 : 0.8))
            case .int(let d) where d.log:
                let scaled = (raw * (up ? 1.2 : 0.8)).rounded()
                // An integer too small to move by 20 % still moves by one step.
                explored[name] = distribution.externalValue(scaled == raw ? raw + Double(up ? d.step : -d.step) : scaled)
            case .float, .int:
                let unit = distribution.unit(ofInternal: raw) + (up ? 0.2 : -0.2)
                explored[name] = distribution.externalValue(distribution.internalValue(fromUnit: unit))
            case .categorical:
                break  // only resampled
            }
        }
        return explored
    }

    private func finish(_ trial: Trial, state: TrialState, value: Double?, reason: String?, study: Study,
                        run: PBTRun<some Any>, _ onTrialFinished: (FrozenTrial) -> Void) throws {
        try study.tell(trial, state: state, value: value, reason: reason)
        let frozen = try study.storage.trial(id: trial.id)
        run.finished { onTrialFinished(frozen) }
    }
}

/// One member of the population: its trial, its current run and hyperparameters, the resource
/// its state has reached and its value there.
struct PopulationMember<Run>: @unchecked Sendable {
    let trial: Trial
    var run: Run
    var params: [String: ParamValue]
    var distributions: [String: Distribution]
    var used = 0
    var value = Double.nan
    /// Its value at each resource it trained to (resource → value).
    var values: [String: JSONValue] = [:]
    var history: [JSONValue] = []
    var exploitFailures: [JSONValue] = []
    /// Its place among the members at rest that have used as much resource (lower goes first).
    var turn = 0.0

    init(trial: Trial, run: Run, params: [String: ParamValue], distributions: [String: Distribution]) {
        self.trial = trial
        self.run = run
        self.params = params
        self.distributions = distributions
    }
}

extension PopulationBasedTraining: Scheduler {
    /// The population is `trials`; PBT takes no budget (every member trains to the maximum).
    public func plan<Objective: PopulationObjective>(trials: Int, budget: Int?, objective: Objective,
                                                     unit: String) throws -> SchedulerPlan {
        guard budget == nil else { throw StudyError.invalidArgument("population-based training takes no budget: every member trains to the maximum resource") }
        guard trials >= 2 else { throw StudyError.invalidArgument("population-based training needs a population of at least 2, got \(trials)") }
        return SchedulerPlan(trials: trials, budget: nil, summary:
            "a population of \(trials), each ranked every \(options.interval) \(unit) up to \(options.maxResource) against the study's members at that point (asynchronous); the bottom quarter copies the top quarter and perturbs its mutable parameters")
    }

    public func run<Objective: PopulationObjective>(study: Study, objective: Objective, plan: SchedulerPlan, concurrency: Int,
                                                    stop: @escaping @Sendable () -> Bool,
                                                    onTrialFinished: @escaping (FrozenTrial) -> Void) throws -> SchedulerUsage {
        try run(study: study, objective: objective, population: plan.trials, concurrency: concurrency, stop: stop,
                onTrialFinished: onTrialFinished)
    }

    /// The hyperparameters a PBT member ended with (its last exploit's), or nil when it never
    /// changed them; its `params` are the ones it started with.
    public static func finalParams(of trial: FrozenTrial) -> (params: [String: ParamValue], changedAt: [Int])? {
        guard case .array(let events)? = trial.userAttributes[historyKey], let last = events.last(where: { $0["params"] != nil }),
              case .object(let params)? = last["params"] else { return nil }
        let steps = events.compactMap { $0["resource"]?.doubleValue }.map { Int($0) }
        return (storedParams(params, distributions: trial.distributions), steps)
    }

    /// Parameters stored as JSON, typed by their distributions (those that do not fit are left out).
    static func storedParams(_ params: [String: JSONValue], distributions: [String: Distribution]) -> [String: ParamValue] {
        params.compactMapValues(ParamValue.init(json:)).reduce(into: [:]) { typed, entry in
            guard let distribution = distributions[entry.key], let raw = distribution.internalValue(of: entry.value) else { return }
            typed[entry.key] = distribution.externalValue(raw)
        }
    }
}
