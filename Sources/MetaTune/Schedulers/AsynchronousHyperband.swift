import Foundation

/// Asynchronous successive halving (ASHA; Li, Jamieson, Rostamizadeh et al. 2020) over a
/// `ResumableObjective`: whenever a worker is free it promotes a paused trial that ranks in the
/// top 1/η of its rung (highest rung first) and resumes it to the next rung's resource; if none
/// qualifies it starts a new trial at the lowest rung. No worker waits for a rung to fill.
///
/// Rung results are stored on each trial (system attribute `rung_values`, resource → value), and a
/// rung's ranking counts every trial of the study that reached it, so several runners (threads of
/// one process, or processes sharing one storage, on one host or many) rank against each other.
/// When the objective can hand a paused run to another runner (`ResumableObjective.handover(of:)`,
/// e.g. a command whose checkpoints go to a folder every runner shares) and the storage is shared
/// between processes, a paused trial is released in the storage and any runner may promote it,
/// taking it over atomically (`ASHAHandover`); otherwise a runner promotes only the trials it
/// started — their paused training lives in its memory. Either way no trial is promoted twice.
/// When a run ends, the trials it paused that are still paused below the top rung are recorded as
/// pruned at the resource they reached; trials that reach the top rung complete.
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
        // Whatever is still paused stops here, at the rung it reached — but not a released trial
        // another runner has taken up meanwhile.
        let interrupted = stop()
        for member in state.drainPaused() {
            if member.released, try !takeBack(member, study: study) { continue }
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
        let shares = study.storage.isSharedBetweenProcesses
        var unresumable = Set<Int>()
        while true {
            guard let job = try state.nextJob(stop: stop, pick: { paused, fits in
                try pick(among: paused, fits: fits, study: study, objective: objective, shares: shares, unresumable: &unresumable)
            }) else { return }
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
                member.released = false
                if shares, let handover = objective.handover(of: member.run) {
                    try member.trial.setSystemAttribute(ASHAHandover.pausedKey,
                                                        ASHAHandover.record(rung: member.rung, used: member.used, handover: handover, by: .current))
                    member.released = try study.storage.handOverTrial(trialID: member.trial.id, from: .current, to: nil)
                }
                state.pause(member)
            }
        }
    }

    /// Takes back a trial this runner paused and released, as this runner left it; false when
    /// another runner took it first, or took it, advanced it and released it again (then it is
    /// left released, for the newer record to resume).
    private func takeBack<Run>(_ member: ASHAMember<Run>, study: Study) throws -> Bool {
        guard try take(member.trial.id, study: study) else { return false }
        if ASHAHandover.isRecord(of: try study.storage.trial(id: member.trial.id), pausedBy: .current, atRung: member.rung) { return true }
        _ = try study.storage.handOverTrial(trialID: member.trial.id, from: .current, to: nil)
        return false
    }

    /// Takes a released trial for this runner; false when another runner took it first (or it finished).
    private func take(_ trialID: Int, study: Study) throws -> Bool {
        do {
            return try study.storage.handOverTrial(trialID: trialID, from: nil, to: .current)
        } catch StorageError.trialFinished {
            return false
        }
    }

    /// The trial to promote next: among this runner's paused trials and, when runners hand over,
    /// the trials others released, the best that ranks in the top ⌊n/η⌋ of its rung (against
    /// every trial of the study at that rung) and whose promotion fits `fits`, highest rung first.
    /// A released trial is taken over before it is chosen; one taken by another runner first is
    /// passed over (and, if this runner's, reported in `taken`).
    private func pick<Objective: ResumableObjective>(among paused: [ASHAMember<Objective.Run>], fits: (Int, Int) -> Bool,
                                                     study: Study, objective: Objective, shares: Bool,
                                                     unresumable: inout Set<Int>) throws -> ASHAPick<Objective.Run> {
        let history = try study.history()
        var result = ASHAPick<Objective.Run>()
        // Candidates: (trial, rung, used, this runner's member if its own, else the hand-over record).
        var candidates: [(trial: FrozenTrial, rung: Int, used: Int, own: ASHAMember<Objective.Run>?, handover: JSONValue?)] = []
        var current: [Int: FrozenTrial] = [:]
        for trial in history.trials where trial.state == .running { current[trial.id] = trial }
        var mine = Set<Int>()
        for member in paused {
            if member.released, !(current[member.trial.id].map { ASHAHandover.released($0) != nil
                                      && ASHAHandover.isRecord(of: $0, pausedBy: .current, atRung: member.rung) } ?? false) {
                result.taken.insert(member.trial.id)  // taken up by another runner (maybe paused again by it), or finished
                continue
            }
            mine.insert(member.trial.id)
            if let trial = current[member.trial.id] { candidates.append((trial, member.rung, member.used, member, nil)) }
        }
        if shares {
            for trial in current.values where !mine.contains(trial.id) && !unresumable.contains(trial.id) {
                if let stand = ASHAHandover.released(trial) { candidates.append((trial, stand.rung, stand.used, nil, stand.handover)) }
            }
        }
        guard !candidates.isEmpty else { return result }
        let sign = study.direction == .maximize ? 1.0 : -1.0
        for rung in stride(from: promotion.topRung - 1, through: 0, by: -1) {
            let key = String(Int(promotion.resource(ofRung: rung).rounded()))
            // Every stored result at this rung; a paused trial is by definition not yet promoted.
            var scores: [Double] = []
            var indexOfTrial: [Int: Int] = [:]
            for trial in history.trials {
                guard case .number(let value)? = trial.systemAttributes[Self.rungValuesKey]?[key] else { continue }
                indexOfTrial[trial.number] = scores.count
                scores.append(sign * value)
            }
            // The paused trials of this rung that rank in the top ⌊n/η⌋ (the paper's top_k), best first.
            let qualifying = candidates.filter { $0.rung == rung && fits($0.rung, $0.used) }.compactMap { candidate -> (Int, Double)? in
                guard let index = indexOfTrial[candidate.trial.number], promotion.canPromote(index, scores: scores) else { return nil }
                return (candidate.trial.number, scores[index])
            }.sorted { $0.1 > $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }
            for (number, _) in qualifying {
                guard let candidate = candidates.first(where: { $0.trial.number == number }) else { continue }
                if let own = candidate.own {
                    if own.released, try !takeBack(own, study: study) {
                        result.taken.insert(own.trial.id)
                        continue
                    }
                    result.choice = .own(trialID: own.trial.id)
                    return result
                }
                guard candidate.handover != nil, try take(candidate.trial.id, study: study) else { continue }
                let frozen = try study.storage.trial(id: candidate.trial.id)
                // The record as it stands now that this runner holds the trial: its releaser may have
                // promoted and paused it again since the history was read.
                guard let stand = ASHAHandover.pauseRecord(of: frozen), stand.rung == candidate.rung else {
                    _ = try study.storage.handOverTrial(trialID: candidate.trial.id, from: .current, to: nil)
                    continue
                }
                do {
                    let trial = Trial(study: study, frozen: frozen, relativeSpace: [:], relativeParams: [:])
                    var member = ASHAMember(trial: trial, run: try objective.resume(trial, from: stand.handover), rung: stand.rung, used: stand.used)
                    if case .object(let values)? = frozen.systemAttributes[Self.rungValuesKey] { member.rungValues = values }
                    result.choice = .other(member)
                    return result
                } catch {
                    // This runner cannot resume it (say, the checkpoint folder is not shared): give it back.
                    unresumable.insert(candidate.trial.id)
                    _ = try? study.storage.handOverTrial(trialID: candidate.trial.id, from: .current, to: nil)
                }
            }
        }
        return result
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
