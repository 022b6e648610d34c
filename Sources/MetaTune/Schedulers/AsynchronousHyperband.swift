import Foundation

/// Asynchronous successive halving (ASHA; Li, Jamieson, Rostamizadeh et al. 2020) over a
/// `ResumableObjective`: whenever a worker is free it promotes a paused trial that ranks in the
/// top 1/η of its rung (highest rung first) and resumes it to the next rung's resource; if none
/// qualifies it starts a new trial at the lowest rung. No worker waits for a rung to fill.
///
/// Rung results are stored on each trial (system attribute `rung_values`, resource → value), and a
/// rung's ranking counts every trial of the study that reached it, so several runners (threads of
/// one process, or processes sharing one storage) rank against each other. Each runner promotes
/// only trials it started itself — their paused training lives in its memory — so no trial can be
/// promoted twice. When a run ends, trials still paused below the top rung are recorded as pruned
/// at the resource they reached; trials that reach the top rung complete.
public struct AsynchronousHyperband: Sendable {
    public let promotion: AsynchronousPromotion

    public init(promotion: AsynchronousPromotion) {
        self.promotion = promotion
    }

    /// The system attribute holding a trial's value at each rung it reached.
    public static let rungValuesKey = "rung_values"

    /// Runs until `trials` new trials have started and nothing is left to promote, or `stop`
    /// says so (trials then pause where they are and are recorded as interrupted), with
    /// `concurrency` workers. With a `budget`, a promotion or a new trial is handed out only
    /// while its resource fits in what is left of it. `onTrialFinished` sees every trial as it
    /// finishes (from the worker that finished it, under the run's lock).
    public func run<Objective: ResumableObjective>(study: Study, objective: Objective, trials: Int, budget: Int? = nil,
                                                   concurrency: Int = 1,
                                                   stop: @escaping @Sendable () -> Bool = { false },
                                                   onTrialFinished: @escaping (FrozenTrial) -> Void = { _ in }) throws -> SchedulerUsage {
        guard trials >= 0 else { throw StudyError.invalidArgument("the number of trials must be non-negative") }
        guard concurrency >= 1 else { throw StudyError.invalidArgument("concurrency must be at least 1") }
        if let budget, budget < 0 { throw StudyError.invalidArgument("the resource budget must be non-negative") }
        let state = ASHARun<Objective.Run>(trials: trials, budget: budget) { rung, used in
            objective.cost(from: used, to: max(1, Int(promotion.resource(ofRung: rung).rounded())))
        }
        let worker = UncheckedBox {
            do {
                try work(state: state, study: study, objective: objective, stop: stop, onTrialFinished: onTrialFinished)
            } catch {
                state.fail(error)
            }
        }
        runInParallel(count: concurrency, concurrency: concurrency) { _ in worker.value() }
        // Whatever is still paused stops here, at the rung it reached.
        let interrupted = stop()
        for member in state.drainPaused() {
            let resource = Int(promotion.resource(ofRung: member.rung).rounded())
            try study.tell(member.trial, state: .pruned,
                           reason: interrupted ? "run interrupted at resource \(resource)" : "stopped by ASHA at resource \(resource)")
            onTrialFinished(try study.storage.trial(id: member.trial.id))
        }
        if let error = state.firstError { throw error }
        return state.usage
    }

    /// One worker's loop: promote, else start, else wait for the others.
    private func work<Objective: ResumableObjective>(state: ASHARun<Objective.Run>, study: Study, objective: Objective,
                                                     stop: @Sendable () -> Bool, onTrialFinished: (FrozenTrial) -> Void) throws {
        let maxResource = Int(promotion.maxResource.rounded())
        while true {
            guard let job = try state.nextJob(stop: stop, promotable: { try promotable(among: $0, study: study) }) else { return }
            var member: ASHAMember<Objective.Run>
            switch job {
            case .promote(let paused):
                member = paused
                member.rung += 1
            case .start:
                let trial = try study.ask()
                state.started(fullBudget: maxResource)
                do {
                    member = ASHAMember(trial: trial, run: try objective.start(trial), rung: 0, used: 0)
                } catch {
                    state.refundStart()
                    try finish(trial, state: .failed, value: nil, reason: "\(error)", study: study, run: state, onTrialFinished)
                    continue
                }
            }
            let resource = max(1, Int(promotion.resource(ofRung: member.rung).rounded()))
            let value: Double
            do {
                value = try objective.advance(member.run, of: member.trial, to: resource)
            } catch {
                try finish(member.trial, state: .failed, value: nil, reason: "\(error)", study: study, run: state, onTrialFinished)
                continue
            }
            member.used = resource
            guard value.isFinite else {
                try finish(member.trial, state: .failed, value: nil, reason: "the objective value is not finite (\(value))",
                           study: study, run: state, onTrialFinished)
                continue
            }
            member.rungValues[String(resource)] = .number(value)
            try member.trial.setSystemAttribute(Self.rungValuesKey, .object(member.rungValues))
            if member.rung >= promotion.topRung {
                try finish(member.trial, state: .complete, value: value, reason: nil, study: study, run: state, onTrialFinished)
            } else {
                state.pause(member)
            }
        }
    }

    /// The index in `paused` (this runner's paused trials) of the trial to promote: the best of
    /// those in the top ⌊n/η⌋ of their rung, ranked against every trial of the study at that
    /// rung, trying the highest rung first.
    private func promotable<Run>(among paused: [ASHAMember<Run>], study: Study) throws -> Int? {
        guard !paused.isEmpty else { return nil }
        let history = try study.history()
        let sign = study.direction == .maximize ? 1.0 : -1.0
        for rung in stride(from: promotion.topRung - 1, through: 0, by: -1) {
            let key = String(Int(promotion.resource(ofRung: rung).rounded()))
            let candidates = paused.indices.filter { paused[$0].rung == rung }
            guard !candidates.isEmpty else { continue }
            // Every stored result at this rung, by trial number; a paused trial is by definition
            // not yet promoted.
            var scores: [Double] = []
            var indexOfTrial: [Int: Int] = [:]
            for trial in history.trials {
                guard case .number(let value)? = trial.systemAttributes[Self.rungValuesKey]?[key] else { continue }
                indexOfTrial[trial.number] = scores.count
                scores.append(sign * value)
            }
            // The best-ranked paused trial that ranks in the top ⌊n/η⌋, as the paper's top_k.
            let qualifying = candidates.compactMap { candidate -> (candidate: Int, score: Double)? in
                guard let index = indexOfTrial[paused[candidate].trial.number],
                      promotion.canPromote(index, scores: scores) else { return nil }
                return (candidate, scores[index])
            }
            if let best = qualifying.max(by: { $0.score < $1.score || ($0.score == $1.score && paused[$0.candidate].trial.number > paused[$1.candidate].trial.number) }) {
                return best.candidate
            }
        }
        return nil
    }

    private func finish(_ trial: Trial, state: TrialState, value: Double?, reason: String?, study: Study,
                        run: ASHARun<some Any>, _ onTrialFinished: (FrozenTrial) -> Void) throws {
        try study.tell(trial, state: state, value: value, reason: reason)
        let frozen = try study.storage.trial(id: trial.id)
        run.finished { onTrialFinished(frozen) }
    }
}

extension AsynchronousHyperband: Scheduler {
    public func plan<Objective: PopulationObjective>(trials: Int, budget: Int?, objective: Objective,
                                                     unit: String) throws -> SchedulerPlan {
        let rungs = (0...promotion.topRung).map { String(promotion.ladder.wholeResource(ofRung: $0)) }
        let within = budget.map { ", within a budget of \($0) \(unit)" } ?? ""
        return SchedulerPlan(trials: trials, budget: budget, budgetDecidesTrials: budget != nil, summary:
            "rungs at \(rungs.joined(separator: ", ")) \(unit); \(trials) new trials at most\(within)")
    }

    public func run<Objective: PopulationObjective>(study: Study, objective: Objective, plan: SchedulerPlan, concurrency: Int,
                                                    stop: @escaping @Sendable () -> Bool,
                                                    onTrialFinished: @escaping (FrozenTrial) -> Void) throws -> SchedulerUsage {
        try run(study: study, objective: objective, trials: plan.trials, budget: plan.budget, concurrency: concurrency,
                stop: stop, onTrialFinished: onTrialFinished)
    }
}
