import Foundation

/// Synchronous successive halving and Hyperband (Li et al. 2018) over a `HyperbandPlan`: each
/// bracket starts its configurations together, advances them rung by rung, and at every rung
/// stops all but the best 1/η, which resume from where they paused. A stopped trial is recorded
/// as pruned at the resource it reached; a promoted one keeps one trial record with its whole
/// learning curve. Trials that throw are recorded as failed and leave their bracket.
public struct SynchronousHyperband: Sendable {
    public let plan: HyperbandPlan
    /// Run only the most aggressive bracket: plain successive halving.
    public let successiveHalvingOnly: Bool

    public init(plan: HyperbandPlan, successiveHalvingOnly: Bool = false) {
        self.plan = plan
        self.successiveHalvingOnly = successiveHalvingOnly
    }

    /// The brackets one round runs, in the order a run takes them: the most aggressive (s_max),
    /// then full-budget evaluation (s = 0), then the next from each end (s_max − 1, 1, …), so
    /// that a budget or a trial count that covers only part of a round still hedges between
    /// early stopping and none — taken from s_max down, the s = 0 bracket came last and a budget
    /// below a whole round never reached it.
    public var brackets: [HyperbandPlan.Bracket] {
        guard !successiveHalvingOnly else { return [plan.brackets[0]] }
        var order: [HyperbandPlan.Bracket] = []
        var low = plan.brackets.startIndex
        var high = plan.brackets.endIndex - 1
        while low <= high {
            order.append(plan.brackets[low])
            if high != low { order.append(plan.brackets[high]) }
            low += 1
            high -= 1
        }
        return order
    }

    /// How many trials one round starts.
    public var trialsPerRound: Int { brackets.reduce(0) { $0 + ($1.rungs.first?.configurations ?? 0) } }

    /// The resource a whole bracket spends when none of its trials fails.
    public func cost<Objective: ResumableObjective>(of bracket: HyperbandPlan.Bracket, objective: Objective) -> Int {
        var used = 0
        var total = 0
        for rung in bracket.rungs {
            let resource = max(1, Int(rung.resource.rounded()))
            total += rung.configurations * objective.cost(from: used, to: resource)
            used = resource
        }
        return total
    }

    /// The brackets a run goes through: whole brackets in the order of `brackets`, round after
    /// round, until at least `trials` trials have started; with a `budget`, a bracket whose cost
    /// would take the total past it is skipped and the next one tried, and the run ends when no
    /// bracket fits what is left (empty if none fits at all).
    public func bracketsToRun<Objective: ResumableObjective>(trials: Int, budget: Int? = nil,
                                                             objective: Objective) -> [HyperbandPlan.Bracket] {
        let order = brackets
        let prices = order.map { cost(of: $0, objective: objective) }
        var chosen: [HyperbandPlan.Bracket] = []
        var started = 0
        var spent = 0
        var position = 0
        var skippedInARow = 0
        while started < trials, skippedInARow < order.count {
            let index = position % order.count
            position += 1
            if let budget, spent + prices[index] > budget {
                skippedInARow += 1
                continue
            }
            skippedInARow = 0
            chosen.append(order[index])
            started += order[index].rungs.first?.configurations ?? 0
            spent += prices[index]
        }
        return chosen
    }

    /// Runs `bracketsToRun(trials:budget:objective:)`, or fewer if `stop` says so between rungs;
    /// each rung trains `concurrency` trials at a time. `onTrialFinished` sees every trial as it
    /// finishes.
    public func run<Objective: ResumableObjective>(study: Study, objective: Objective, trials: Int, budget: Int? = nil,
                                                   concurrency: Int = 1, stop: () -> Bool = { false },
                                                   onTrialFinished: (FrozenTrial) -> Void = { _ in }) throws -> SchedulerUsage {
        var usage = SchedulerUsage()
        let maxResource = Int(plan.maxResource.rounded())
        outer: for bracket in bracketsToRun(trials: trials, budget: budget, objective: objective) {
            if stop() { break outer }
            var alive: [(trial: Trial, run: Objective.Run, used: Int, value: Double)] = []
            for _ in 0..<(bracket.rungs.first?.configurations ?? 0) {
                let trial = try study.ask()
                usage.trialsStarted += 1
                usage.fullBudgetEquivalent += maxResource
                do {
                    alive.append((trial, try objective.start(trial), 0, .nan))
                } catch {
                    try finish(trial, state: .failed, value: nil, reason: "\(error)", in: study, onTrialFinished)
                }
            }
            for (index, rung) in bracket.rungs.enumerated() {
                let resource = max(1, Int(rung.resource.rounded()))
                var advanced: [(trial: Trial, run: Objective.Run, used: Int, value: Double)] = []
                let outcomes = advanceAll(alive.map { ($0.trial, $0.run) }, objective: objective, to: resource, concurrency: concurrency)
                for (member, outcome) in zip(alive, outcomes) {
                    usage.resource += objective.cost(from: member.used, to: resource)
                    switch outcome {
                    case .success(let value):
                        advanced.append((member.trial, member.run, resource, value))
                    case .failure(let error):
                        try finish(member.trial, state: .failed, value: nil, reason: "\(error)", in: study, onTrialFinished)
                    }
                }
                let isLast = index == bracket.rungs.count - 1
                let keep = isLast ? advanced.count : bracket.rungs[index + 1].configurations
                let ranked = advanced.sorted { a, b in
                    guard a.value.isFinite else { return false }
                    guard b.value.isFinite else { return true }
                    return study.direction.isBetter(a.value, than: b.value)
                }
                for member in ranked.dropFirst(keep) {
                    try finish(member.trial, state: .pruned, value: nil,
                               reason: "stopped by successive halving at resource \(resource)", in: study, onTrialFinished)
                }
                alive = Array(ranked.prefix(keep))
                if isLast {
                    for member in alive {
                        let state: TrialState = member.value.isFinite ? .complete : .failed
                        try finish(member.trial, state: state, value: member.value.isFinite ? member.value : nil,
                                   reason: state == .failed ? "the objective value is not finite" : nil, in: study, onTrialFinished)
                    }
                } else if stop() {
                    for member in alive {
                        try finish(member.trial, state: .pruned, value: nil,
                                   reason: "run interrupted at resource \(resource)", in: study, onTrialFinished)
                    }
                    break outer
                }
            }
        }
        return usage
    }

    private func finish(_ trial: Trial, state: TrialState, value: Double?, reason: String?, in study: Study,
                        _ onTrialFinished: (FrozenTrial) -> Void) throws {
        try study.tell(trial, state: state, value: value, reason: reason)
        onTrialFinished(try study.storage.trial(id: trial.id))
    }
}

extension SynchronousHyperband: Scheduler {
    /// Whole brackets in turn (`bracketsToRun`): the plan's trials are theirs, which may be more
    /// than `trials` asked for; refuses a budget below the cheapest bracket's cost.
    public func plan<Objective: PopulationObjective>(trials: Int, budget: Int?, objective: Objective,
                                                     unit: String) throws -> SchedulerPlan {
        let chosen = bracketsToRun(trials: trials, budget: budget, objective: objective)
        if chosen.isEmpty, let budget {
            throw SchedulerSettingsError.budgetBelowCheapestBracket(budget: budget, cheapestBracket: brackets.map { cost(of: $0, objective: objective) }.min() ?? 0, unit: unit)
        }
        let planned = chosen.reduce(0) { $0 + ($1.rungs.first?.configurations ?? 0) }
        let resource = chosen.reduce(0) { $0 + cost(of: $1, objective: objective) }
        let shapes = brackets.map { $0.rungs.map { "\($0.configurations)×\(Int($0.resource.rounded()))" }.joined(separator: " → ") }
        return SchedulerPlan(trials: planned, budget: budget, summary:
            "brackets (trials × \(unit)): \(shapes.joined(separator: "; ")); running \(chosen.count) bracket\(chosen.count == 1 ? "" : "s"), \(planned) trials, \(resource) \(unit)")
    }

    public func run<Objective: PopulationObjective>(study: Study, objective: Objective, plan: SchedulerPlan, concurrency: Int,
                                                    stop: @escaping @Sendable () -> Bool,
                                                    onTrialFinished: @escaping (FrozenTrial) -> Void) throws -> SchedulerUsage {
        try run(study: study, objective: objective, trials: plan.trials, budget: plan.budget, concurrency: concurrency,
                stop: stop, onTrialFinished: onTrialFinished)
    }
}
