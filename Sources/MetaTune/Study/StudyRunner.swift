import Foundation

/// One run of trials on a study, the way `metatune tune` and `metatune run` run them: every trial
/// to the end (`optimize`), or under a scheduler that pauses, resumes and stops them. Before the
/// first trial it fails the trials that dead workers left running (told to the observer); while it
/// runs it tells the observer of every finished trial; it stops cleanly when `stop` is raised. The
/// outcome says what the run finished and whether it has a result.
///
/// ```swift
/// let runner = StudyRunner(study: study, concurrency: 2)
/// let outcome = try runner.run(.new(30)) { trial in try objective(trial) }
/// if let missing = try outcome.missingResult(in: study) { print("no result: \(missing)") }
/// ```
public struct StudyRunner: Sendable {
    public let study: Study
    /// Trials run at once, each on its own thread.
    public var concurrency: Int
    /// How trials left running by dead workers are recovered (nil: left alone). Applies to
    /// storages shared between processes; under a scheduler it also sets the heartbeat interval
    /// of paused trials.
    public var recovery: OrphanRecovery?
    /// Raised (e.g. by Ctrl-C) to stop the run: running trials are failed, paused ones pruned.
    public let stop: StopFlag
    /// Told of the run's start, of recovered orphans and of every finished trial.
    public var observer: (any StudyRunObserver)?

    public init(study: Study, concurrency: Int = 1, recovery: OrphanRecovery? = OrphanRecovery(), stop: StopFlag = StopFlag(),
                observer: (any StudyRunObserver)? = nil) {
        self.study = study
        self.concurrency = concurrency
        self.recovery = recovery
        self.stop = stop
        self.observer = observer
    }

    /// Runs `count` trials of `objective`, each to the end. The objective returns the value; it
    /// throws `TrialPruned` to prune the trial and anything else to fail it (see `optimize`).
    public func run(_ count: TrialCount, objective: @escaping @Sendable (Trial) throws -> Double) throws -> StudyRunOutcome {
        let orphans = try recoverOrphans(limit: count.studyTotal)
        let before = try study.trials.count
        let expected: Int
        switch count {
        case .new(let trials): expected = before + trials
        case .studyTotal(let total): expected = total
        }
        let finished = FinishedStates()
        observer?.runWillStart(StudyRunStart(trialsBefore: before, expectedTotal: expected, isCap: false, plan: nil))
        let observer = self.observer
        let stop = self.stop
        var recovery = self.recovery
        recovery?.onOrphanFailed = { observer?.orphanFailed($0) }
        try study.optimize(trials: count.newTrials, studyTotal: count.studyTotal, concurrency: concurrency, recovery: recovery,
                           stopWhen: { stop.isRaised },
                           onTrialFinished: { trial in
                               finished.append(trial.state)
                               observer?.trialFinished(trial)
                           },
                           objective)
        return StudyRunOutcome(finishedHere: finished.states, interrupted: stop.isRaised, orphansFailed: orphans, plan: nil, usage: nil)
    }

    /// Runs up to `trials` new trials of `objective` under the scheduler `settings` describe,
    /// measuring the resource in `unit` ("epochs", "steps"). Sha, Hyperband and BOHB round the
    /// trials up to whole brackets; PBT's `trials` is its population. Refusals of the settings
    /// are `SchedulerSettingsError`s.
    public func run<Objective: PopulationObjective>(scheduler settings: SchedulerSettings, trials: Int, unit: String,
                                                    objective: Objective) throws -> StudyRunOutcome {
        try settings.validate()
        _ = try settings.trialCount(trials)
        let orphans = try recoverOrphans(limit: nil)
        let before = try study.trials.count
        // Paused trials stay running between rungs: keep them from looking orphaned to other hosts.
        let heartbeat = study.keepOwnedTrialsAlive(interval: (recovery ?? OrphanRecovery()).heartbeatInterval)
        defer { heartbeat.stop() }
        let scheduler = try settings.makeScheduler()
        let plan = try scheduler.plan(trials: trials, budget: settings.budget, objective: objective, unit: unit)
        try study.storage.setStudyAttribute(studyID: study.id, key: SchedulerSettings.studyAttributeKey,
                                            value: settings.studyAttribute(plan: plan, unit: unit), system: true)
        observer?.runWillStart(StudyRunStart(trialsBefore: before, expectedTotal: before + plan.trials,
                                             isCap: plan.budgetDecidesTrials, plan: plan))
        let finished = FinishedStates()
        let observer = self.observer
        let stop = self.stop
        let usage = try scheduler.run(study: study, objective: objective, plan: plan, concurrency: concurrency,
                                      stop: { stop.isRaised },
                                      onTrialFinished: { trial in
                                          finished.append(trial.state)
                                          observer?.trialFinished(trial)
                                      })
        return StudyRunOutcome(finishedHere: finished.states, interrupted: stop.isRaised, orphansFailed: orphans, plan: plan,
                               usage: usage)
    }

    /// Fails (and with `retry` enqueues again) the trials dead workers left running, telling the
    /// observer of each; `limit` caps the study's trials when retries are enqueued.
    private func recoverOrphans(limit: Int?) throws -> [FrozenTrial] {
        guard let recovery, study.storage.isSharedBetweenProcesses else { return [] }
        let orphans = try study.failOrphanedTrials(heartbeatGrace: recovery.heartbeatGrace, retry: recovery.retry, limit: limit)
        for orphan in orphans { observer?.orphanFailed(orphan) }
        return orphans
    }
}

/// How many trials a `StudyRunner` runs without a scheduler.
public enum TrialCount: Sendable, Equatable {
    /// This many new trials.
    case new(Int)
    /// Until the study holds this many trials, whoever created them: runners sharing a study
    /// (here or on other machines) share the total, and running again resumes.
    case studyTotal(Int)

    var newTrials: Int? { if case .new(let trials) = self { return trials } else { return nil } }
    var studyTotal: Int? { if case .studyTotal(let total) = self { return total } else { return nil } }
}

/// What a run tells as it goes; every method has an empty default. Calls may come from the
/// workers' threads.
public protocol StudyRunObserver: Sendable {
    /// The run is about to start its first trial.
    func runWillStart(_ start: StudyRunStart)
    /// A trial a dead worker left running was failed (before the run's first trial).
    func orphanFailed(_ trial: FrozenTrial)
    /// One of the run's trials finished (complete, pruned or failed).
    func trialFinished(_ trial: FrozenTrial)
}

extension StudyRunObserver {
    public func runWillStart(_ start: StudyRunStart) {}
    public func orphanFailed(_ trial: FrozenTrial) {}
    public func trialFinished(_ trial: FrozenTrial) {}
}

/// Where a run starts from and how far it means to go.
public struct StudyRunStart: Sendable {
    /// The trials the study held before the run.
    public let trialsBefore: Int
    /// The trials the study will hold when the run is done.
    public let expectedTotal: Int
    /// Whether `expectedTotal` is only a cap (a budget decides how many trials start).
    public let isCap: Bool
    /// The scheduler's plan, under a scheduler.
    public let plan: SchedulerPlan?
}

/// The states of the trials one run finished, collected from its workers' threads.
private final class FinishedStates: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [TrialState] = []

    func append(_ state: TrialState) { lock.withLock { values.append(state) } }
    var states: [TrialState] { lock.withLock { values } }
}
