import Foundation
import MetaTuneNumerics

/// Population-based training (Jaderberg et al. 2017), synchronous variant: a population of
/// trials trains side by side; every `interval` units of resource the members are ranked, and
/// each member of the bottom `truncation` share is replaced (exploit) by a copy of a random
/// member of the top share — its state and its hyperparameters — whose mutable hyperparameters
/// are then perturbed by ×0.8 or ×1.2 (explore; a `resampleProbability` chance draws them afresh
/// instead). Members thus follow hyperparameter schedules, such as a decaying learning rate,
/// that no fixed configuration has.
///
/// Each member is one trial: its parameters are the starting ones, its learning curve is its
/// own, and its user attribute `pbt` lists each exploit (resource, donor trial, new parameters).
/// Every member finishes at the maximum resource.
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

    /// The resources at which the population is ranked and the last one, where it finishes.
    public var checkpoints: [Int] {
        Array(stride(from: options.interval, to: options.maxResource, by: options.interval)) + [options.maxResource]
    }

    /// Trains a population of `population` new trials to the maximum resource, `concurrency`
    /// members at a time. `stop` is checked between steps (the members are then recorded as
    /// interrupted); `onTrialFinished` sees each trial as it finishes.
    public func run<Objective: PopulationObjective>(study: Study, objective: Objective, population: Int, concurrency: Int = 1,
                                                    stop: () -> Bool = { false },
                                                    onTrialFinished: (FrozenTrial) -> Void = { _ in }) throws -> SchedulerUsage {
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
                try finish(trial, state: .failed, value: nil, reason: "\(error)", study: study, onTrialFinished)
            }
        }
        var used = 0
        for resource in checkpoints {
            if stop() {
                for member in members {
                    try finish(member.trial, state: .pruned, value: nil, reason: "run interrupted at resource \(used)", study: study, onTrialFinished)
                }
                return usage
            }
            let outcomes = advanceAll(members.map { ($0.trial, $0.run) }, objective: objective, to: resource, concurrency: concurrency)
            usage.resource += members.count * (resource - used)
            used = resource
            var alive: [PopulationMember<Objective.Run>] = []
            for (member, outcome) in zip(members, outcomes) {
                switch outcome {
                case .success(let value) where value.isFinite:
                    var member = member
                    member.value = value
                    alive.append(member)
                case .success(let value):
                    try finish(member.trial, state: .failed, value: nil, reason: "the objective value is not finite (\(value))", study: study, onTrialFinished)
                case .failure(let error):
                    try finish(member.trial, state: .failed, value: nil, reason: "\(error)", study: study, onTrialFinished)
                }
            }
            members = alive
            if resource < options.maxResource {
                members = try exploitAndExplore(members, objective: objective, at: resource, study: study, onTrialFinished)
            }
        }
        for member in members {
            try finish(member.trial, state: .complete, value: member.value, reason: nil, study: study, onTrialFinished)
        }
        return usage
    }

    /// Ranks the members and replaces the bottom share by perturbed copies of the top share.
    private func exploitAndExplore<Objective: PopulationObjective>(_ members: [PopulationMember<Objective.Run>], objective: Objective,
                                                                   at resource: Int, study: Study,
                                                                   _ onTrialFinished: (FrozenTrial) -> Void) throws -> [PopulationMember<Objective.Run>] {
        let count = Int((Double(members.count) * options.truncation).rounded(.down))
        guard count >= 1 else { return members }
        let ranked = members.indices.sorted { study.direction.isBetter(members[$0].value, than: members[$1].value) }
        var result = members
        var failed: Set<Int> = []
        for index in ranked.suffix(count) {
            var member = members[index]
            var generator = decisionGenerator(seed: options.seed, trial: member.trial.number, label: "pbt-\(resource)")
            let donor = members[ranked[Int(generator.nextUniform() * Double(count)) % count]]
            let params = explore(donor.params, distributions: donor.distributions, objective: objective, generator: &generator)
            do {
                member.run = try objective.exploit(donor.run, for: member.trial, params: params)
            } catch {
                try finish(member.trial, state: .failed, value: nil, reason: "copying trial \(donor.trial.number) failed: \(error)",
                           study: study, onTrialFinished)
                failed.insert(index)
                continue
            }
            member.params = params
            member.distributions = donor.distributions
            member.value = donor.value
            member.history.append(.object(["resource": .number(Double(resource)), "from_trial": .number(Double(donor.trial.number)),
                                           "params": .object(params.mapValues(\.jsonValue))]))
            try member.trial.setUserAttribute(Self.historyKey, .array(member.history))
            result[index] = member
        }
        return result.indices.filter { !failed.contains($0) }.map { result[$0] }
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
                        _ onTrialFinished: (FrozenTrial) -> Void) throws {
        try study.tell(trial, state: state, value: value, reason: reason)
        onTrialFinished(try study.storage.trial(id: trial.id))
    }
}

/// One member of the population: its trial, its current run and hyperparameters.
struct PopulationMember<Run> {
    let trial: Trial
    var run: Run
    var params: [String: ParamValue]
    var distributions: [String: Distribution]
    var value = Double.nan
    var history: [JSONValue] = []

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
            "a population of \(trials), ranked every \(options.interval) \(unit) up to \(options.maxResource); the bottom quarter copies the top quarter and perturbs its mutable parameters")
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
        guard case .array(let events)? = trial.userAttributes[historyKey], let last = events.last,
              case .object(let params)? = last["params"] else { return nil }
        let steps = events.compactMap { $0["resource"]?.doubleValue }.map { Int($0) }
        let values = params.compactMapValues(ParamValue.init(json:)).compactMap { name, value -> (String, ParamValue)? in
            guard let distribution = trial.distributions[name], let raw = distribution.internalValue(of: value) else { return nil }
            return (name, distribution.externalValue(raw))
        }
        return (Dictionary(uniqueKeysWithValues: values), steps)
    }
}
