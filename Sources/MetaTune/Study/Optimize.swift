import Foundation

/// Implemented by samplers that can run out of new points (the grid sampler).
public protocol FiniteSampler: Sampler {
    /// How many new configurations are left to evaluate.
    func remainingCount(history: StudyHistory) -> Int
}

extension Study {
    /// Runs the objective on new trials until `trials` trials have run in this call, `timeout`
    /// seconds have passed, or a finite sampler has no point left; with `concurrency` > 1 that
    /// many trials run at once on separate threads.
    ///
    /// The objective returns the value to optimise. If it throws `TrialPruned` the trial is pruned;
    /// if it throws anything else, or returns NaN or infinity, the trial is failed with the
    /// reason and the study goes on. Storage errors stop the run and are rethrown.
    /// `onTrialFinished` is called (from the worker's thread) after each trial.
    ///
    /// - Parameters:
    ///   - studyTotal: stop once the study holds this many trials, whoever created them (several
    ///     processes may run `optimize` on one stored study; together they never exceed it).
    ///   - heartbeatInterval: refresh each running trial's heartbeat this often, so that other
    ///     workers can tell it from the orphan of a dead process.
    ///   - stopWhen: checked before each new trial; true ends the run (e.g. after Ctrl-C).
    public func optimize(trials: Int? = nil, studyTotal: Int? = nil, timeout: TimeInterval? = nil, concurrency: Int = 1,
                         heartbeatInterval: TimeInterval? = nil, stopWhen: (@Sendable () -> Bool)? = nil,
                         onTrialFinished: (@Sendable (FrozenTrial) -> Void)? = nil,
                         _ objective: @escaping @Sendable (Trial) throws -> Double) throws {
        guard trials != nil || studyTotal != nil || timeout != nil || sampler is FiniteSampler else {
            throw StudyError.invalidArgument("optimize needs a number of trials or a timeout")
        }
        if let trials, trials < 0 { throw StudyError.invalidArgument("the number of trials must be non-negative") }
        if let studyTotal, studyTotal < 0 { throw StudyError.invalidArgument("the study total must be non-negative") }
        if let heartbeatInterval, !(heartbeatInterval > 0) { throw StudyError.invalidArgument("the heartbeat interval must be positive") }
        if let timeout, !(timeout > 0) { throw StudyError.invalidArgument("the timeout must be positive") }
        guard concurrency >= 1 else { throw StudyError.invalidArgument("concurrency must be at least 1") }

        var limit = trials
        if let finite = sampler as? FiniteSampler {
            limit = min(limit ?? Int.max, finite.remainingCount(history: try history()))
        }
        let run = OptimizeRun(limit: limit, deadline: timeout.map { Date().addingTimeInterval($0) }, stopWhen: stopWhen)
        let worker: @Sendable () -> Void = { [self] in
            while run.claimSlot() {
                do {
                    guard let trial = try self.ask(limit: studyTotal) else {
                        run.stop(with: nil)
                        break
                    }
                    let pump = heartbeatInterval.map { HeartbeatPump(storage: self.storage, trialID: trial.id, interval: $0) }
                    defer { pump?.stop() }
                    let finished = try self.evaluate(trial, objective)
                    onTrialFinished?(finished)
                } catch {
                    run.stop(with: error)
                }
            }
        }
        runInParallel(count: concurrency, concurrency: concurrency) { _ in worker() }
        if let error = run.firstError {
            // A storage error because the study is gone: say so, not which row was missing.
            if let storageError = error as? StorageError, !storageError.isStorageFileGone,
               (try? storage.study(named: name))?.id != id {
                throw StorageError.studyDeleted(name)
            }
            throw error
        }
    }

    /// Evaluates the objective on a trial and tells the outcome; returns the stored trial. A value
    /// the storage cannot take (disk full, file gone) stops the run with an error that names the
    /// trial and its value, so a finished result is never lost silently.
    private func evaluate(_ trial: Trial, _ objective: @Sendable (Trial) throws -> Double) throws -> FrozenTrial {
        let value: Double
        do {
            value = try objective(trial)
        } catch let pruned as TrialPruned {
            try tell(trial, state: .pruned, reason: pruned.reason)
            return try storage.trial(id: trial.id)
        } catch let storageError as StorageError {
            try? tell(trial, state: .failed, reason: "\(storageError)")
            throw storageError
        } catch {
            try tell(trial, state: .failed, reason: "\(error)")
            return try storage.trial(id: trial.id)
        }
        do {
            try tell(trial, value: value)
        } catch let storageError as StorageError {
            throw StorageError.resultNotStored(trial: trial.number, value: value, cause: storageError)
        }
        return try storage.trial(id: trial.id)
    }
}

/// Shared bookkeeping of one `optimize` call across its worker threads.
private final class OptimizeRun: @unchecked Sendable {
    private let lock = NSLock()
    private let limit: Int?
    private let deadline: Date?
    private let stopWhen: (@Sendable () -> Bool)?
    private var started = 0
    private var finished = false
    private(set) var firstError: Error?

    init(limit: Int?, deadline: Date?, stopWhen: (@Sendable () -> Bool)?) {
        self.limit = limit
        self.deadline = deadline
        self.stopWhen = stopWhen
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
