import Foundation

/// How `optimize` recovers trials left `running` by a worker that died (a killed process, a lost
/// host): before each new trial it fails the running trials whose process is gone from this
/// host, or whose heartbeat is older than `heartbeatGrace` seconds, and with `retry` enqueues
/// their parameters again; its own running trials beat at `heartbeatInterval` meanwhile. So a
/// study whose process was killed resumes by simply running `optimize` again.
public struct OrphanRecovery: Sendable {
    public var heartbeatGrace: TimeInterval
    public var retry: Bool
    /// Told of each orphan a run fails while it goes on (from the worker that failed it).
    public var onOrphanFailed: (@Sendable (FrozenTrial) -> Void)?

    public init(heartbeatGrace: TimeInterval = 60, retry: Bool = false) {
        self.heartbeatGrace = heartbeatGrace
        self.retry = retry
    }

    /// How often running trials beat: a quarter of the grace, between 0.5 and 15 seconds.
    public var heartbeatInterval: TimeInterval { min(max(heartbeatGrace / 4, 0.5), 15) }
}

extension Study {
    /// Runs the objective on new trials, one at a time on the calling thread, until `trials`
    /// trials have run in this call, `timeout` seconds have passed, or a finite sampler has no
    /// point left. The objective may capture and change anything (it is not `@Sendable`); for
    /// several trials at once use `optimize(concurrency:)`.
    ///
    /// The objective returns the value to optimise. If it throws `TrialPruned` the trial is pruned;
    /// if it throws anything else, or returns NaN or infinity, the trial is failed with the
    /// reason and the study goes on. Storage errors stop the run and are rethrown (a finished
    /// value the storage could not take is named in the error). `onTrialFinished` is called after
    /// each trial.
    ///
    /// - Parameters:
    ///   - trials: stop once this call has run this many trials.
    ///   - studyTotal: stop once the study holds this many trials, whoever created them (several
    ///     processes may run `optimize` on one stored study; together they never exceed it).
    ///   - timeout: stop starting trials after this many seconds.
    ///   - recovery: how trials left running by dead workers are recovered (`OrphanRecovery`); nil
    ///     leaves them alone. Heartbeats and recovery apply to storages shared between processes.
    ///   - heartbeatInterval: how often this run's running trials beat (default: the recovery's).
    ///   - stopWhen: checked before each new trial; true ends the run (e.g. after Ctrl-C).
    ///   - onTrialFinished: called with each trial once it is stored.
    ///   - objective: evaluates a trial: suggests its parameters and returns the value.
    public func optimize(trials: Int? = nil, studyTotal: Int? = nil, timeout: TimeInterval? = nil,
                         recovery: OrphanRecovery? = OrphanRecovery(), heartbeatInterval: TimeInterval? = nil,
                         stopWhen: (() -> Bool)? = nil, onTrialFinished: ((FrozenTrial) -> Void)? = nil,
                         _ objective: (Trial) throws -> Double) throws {
        let run = try prepareRun(trials: trials, studyTotal: studyTotal, timeout: timeout, concurrency: 1,
                                 recovery: recovery, heartbeatInterval: heartbeatInterval, stopWhen: stopWhen)
        work(run, objective, onTrialFinished: onTrialFinished)
        try rethrowFailure(of: run)
    }

    /// `optimize` with an `async` objective, awaited one trial at a time in the calling task.
    public func optimize(trials: Int? = nil, studyTotal: Int? = nil, timeout: TimeInterval? = nil,
                         recovery: OrphanRecovery? = OrphanRecovery(), heartbeatInterval: TimeInterval? = nil,
                         stopWhen: (() -> Bool)? = nil, onTrialFinished: ((FrozenTrial) -> Void)? = nil,
                         _ objective: (Trial) async throws -> Double) async throws {
        let run = try prepareRun(trials: trials, studyTotal: studyTotal, timeout: timeout, concurrency: 1,
                                 recovery: recovery, heartbeatInterval: heartbeatInterval, stopWhen: stopWhen)
        while run.claimSlot() {
            do {
                guard let (trial, pump) = try startTrial(run) else { break }
                defer { pump?.stop() }
                let outcome: Result<Double, Error>
                do {
                    outcome = .success(try await objective(trial))
                } catch {
                    outcome = .failure(error)
                }
                let finished = try record(trial, outcome)
                onTrialFinished?(finished)
            } catch {
                run.stop(with: error)
            }
        }
        try rethrowFailure(of: run)
    }

    /// `optimize` with `concurrency` trials at once, each on its own thread (so the objective and
    /// the callbacks are `@Sendable`; `onTrialFinished` is called from the worker's thread).
    public func optimize(trials: Int? = nil, studyTotal: Int? = nil, timeout: TimeInterval? = nil, concurrency: Int,
                         recovery: OrphanRecovery? = OrphanRecovery(), heartbeatInterval: TimeInterval? = nil,
                         stopWhen: (@Sendable () -> Bool)? = nil, onTrialFinished: (@Sendable (FrozenTrial) -> Void)? = nil,
                         _ objective: @escaping @Sendable (Trial) throws -> Double) throws {
        let run = try prepareRun(trials: trials, studyTotal: studyTotal, timeout: timeout, concurrency: concurrency,
                                 recovery: recovery, heartbeatInterval: heartbeatInterval, stopWhen: stopWhen)
        runInParallel(count: concurrency, concurrency: concurrency) { [self] _ in
            work(run, objective, onTrialFinished: onTrialFinished)
        }
        try rethrowFailure(of: run)
    }

    /// One worker's loop: start a trial, evaluate it, record the outcome, until the run ends.
    private func work(_ run: OptimizeRun, _ objective: (Trial) throws -> Double, onTrialFinished: ((FrozenTrial) -> Void)?) {
        while run.claimSlot() {
            do {
                guard let (trial, pump) = try startTrial(run) else { break }
                defer { pump?.stop() }
                let finished = try record(trial, Result { try objective(trial) })
                onTrialFinished?(finished)
            } catch {
                run.stop(with: error)
            }
        }
    }

    /// Checks the arguments and sets up the bookkeeping every form of `optimize` shares.
    private func prepareRun(trials: Int?, studyTotal: Int?, timeout: TimeInterval?, concurrency: Int,
                            recovery: OrphanRecovery?, heartbeatInterval: TimeInterval?,
                            stopWhen: (() -> Bool)?) throws -> OptimizeRun {
        guard trials != nil || studyTotal != nil || timeout != nil || sampler is FiniteSampler else {
            throw StudyError.invalidArgument("optimize needs a number of trials or a timeout")
        }
        if let trials, trials < 0 { throw StudyError.invalidArgument("the number of trials must be non-negative") }
        if let studyTotal, studyTotal < 0 { throw StudyError.invalidArgument("the study total must be non-negative") }
        if let heartbeatInterval, !(heartbeatInterval > 0) { throw StudyError.invalidArgument("the heartbeat interval must be positive") }
        if let recovery, !(recovery.heartbeatGrace > 0) { throw StudyError.invalidArgument("the heartbeat grace must be positive") }
        if let timeout, !(timeout > 0) { throw StudyError.invalidArgument("the timeout must be positive") }
        guard concurrency >= 1 else { throw StudyError.invalidArgument("concurrency must be at least 1") }

        var limit = trials
        if let finite = sampler as? FiniteSampler {
            limit = min(limit ?? Int.max, finite.remainingCount(history: try history()))
        }
        let shared = storage.isSharedBetweenProcesses
        return OptimizeRun(limit: limit, deadline: timeout.map { Date().addingTimeInterval($0) }, stopWhen: stopWhen,
                           studyTotal: studyTotal, recovery: shared ? recovery : nil,
                           heartbeatInterval: shared ? heartbeatInterval ?? recovery?.heartbeatInterval : nil)
    }

    /// Recovers orphans, then starts the next trial with its heartbeat; nil (and the run ends)
    /// once the study holds `studyTotal` trials.
    private func startTrial(_ run: OptimizeRun) throws -> (Trial, HeartbeatPump?)? {
        if let recovery = run.recovery {
            for orphan in try failOrphanedTrials(heartbeatGrace: recovery.heartbeatGrace, retry: recovery.retry, limit: run.studyTotal) {
                recovery.onOrphanFailed?(orphan)
            }
        }
        guard let trial = try ask(limit: run.studyTotal) else {
            run.stop(with: nil)
            return nil
        }
        return (trial, run.heartbeatInterval.map { HeartbeatPump(storage: storage, trialID: trial.id, interval: $0) })
    }

    /// Tells what the objective did with a trial; returns the stored trial. A value the storage
    /// cannot take (disk full, file gone) stops the run with an error that names the trial and
    /// its value, so a finished result is never lost silently. A trial that another worker
    /// finished meanwhile — failed as an orphan while this host was cut off longer than the
    /// heartbeat grace, and retried there — is not an error of the run: the storage keeps the
    /// late result (PostgreSQL: `late_result`) and the run goes on with the stored trial.
    private func record(_ trial: Trial, _ outcome: Result<Double, Error>) throws -> FrozenTrial {
        switch outcome {
        case .success(let value):
            do {
                try tell(trial, value: value)
            } catch StorageError.trialFinished {
                return try storage.trial(id: trial.id)
            } catch let storageError as StorageError {
                throw StorageError.resultNotStored(trial: trial.number, value: value, cause: storageError)
            }
        case .failure(let pruned as TrialPruned):
            do {
                try tell(trial, state: .pruned, reason: pruned.reason)
            } catch StorageError.trialFinished {
                return try storage.trial(id: trial.id)
            }
        case .failure(let storageError as StorageError):
            try? tell(trial, state: .failed, reason: "\(storageError)")
            throw storageError
        case .failure(let error):
            do {
                try tell(trial, state: .failed, reason: "\(error)")
            } catch StorageError.trialFinished {
                return try storage.trial(id: trial.id)
            }
        }
        return try storage.trial(id: trial.id)
    }

    /// Rethrows the error that stopped the run, if any.
    private func rethrowFailure(of run: OptimizeRun) throws {
        guard let error = run.firstError else { return }
        // A storage error because the study is gone: say so, not which row was missing.
        if let storageError = error as? StorageError, !storageError.isStorageFileGone,
           (try? storage.study(named: name))?.id != id {
            throw StorageError.studyDeleted(name)
        }
        throw error
    }
}

/// Shared bookkeeping of one `optimize` call across its worker threads.
private final class OptimizeRun: @unchecked Sendable {
    private let lock = NSLock()
    private let limit: Int?
    private let deadline: Date?
    private let stopWhen: (() -> Bool)?
    let studyTotal: Int?
    let recovery: OrphanRecovery?
    let heartbeatInterval: TimeInterval?
    private var started = 0
    private var finished = false
    private(set) var firstError: Error?

    init(limit: Int?, deadline: Date?, stopWhen: (() -> Bool)?, studyTotal: Int?, recovery: OrphanRecovery?,
         heartbeatInterval: TimeInterval?) {
        self.limit = limit
        self.deadline = deadline
        self.stopWhen = stopWhen
        self.studyTotal = studyTotal
        self.recovery = recovery
        self.heartbeatInterval = heartbeatInterval
    }

    /// Reserves the right to start one more trial, or says the run is over.
    func claimSlot() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if finished || firstError != nil { return false }
        if let limit, started >= limit { return false }
        if let deadline, Date() >= deadline { return false }
        if let stopWhen, stopWhen() { return false }
        started += 1
        return true
    }

    /// Ends the run; with an error, `optimize` rethrows the first one.
    func stop(with error: Error?) {
        lock.lock()
        defer { lock.unlock() }
        finished = true
        if firstError == nil { firstError = error }
    }
}
