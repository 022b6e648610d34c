import Foundation

extension Study {
    /// The reason recorded on a trial whose worker died.
    public static let heartbeatLostReason = "heartbeat lost"

    /// Fails the running trials whose worker is gone: at once when the owner ran on this host and
    /// its process no longer exists (a live owner on this host is never failed), and for owners
    /// on other hosts (or unknown) when the last heartbeat is older than `heartbeatGrace` seconds. With `retry`, each orphan's parameters are enqueued again (within
    /// `limit` trials in total, if given). Returns the trials this call failed; several workers
    /// may call this at once, and each orphan is failed (and retried) exactly once.
    @discardableResult
    public func failOrphanedTrials(heartbeatGrace: TimeInterval, retry: Bool = false, limit: Int? = nil,
                                   now: Date = Date()) throws -> [FrozenTrial] {
        var failed: [FrozenTrial] = []
        for trial in try history().trials where trial.state == .running {
            guard Self.isOrphaned(trial, heartbeatGrace: heartbeatGrace, now: now) else { continue }
            do {
                try storage.finishTrial(trialID: trial.id, state: .failed, value: nil, reason: Self.heartbeatLostReason)
            } catch StorageError.trialFinished {
                continue  // another worker got there first
            }
            failed.append(try storage.trial(id: trial.id))
            if retry {
                let fixed = JSONValue.object(trial.params.mapValues(\.jsonValue))
                _ = try storage.createTrial(studyID: id, state: .waiting,
                                            systemAttributes: [Trial.fixedParamsKey: fixed, "retry_of": .number(Double(trial.number))],
                                            owner: nil, limit: limit)
            }
        }
        return failed
    }

    static func isOrphaned(_ trial: FrozenTrial, heartbeatGrace: TimeInterval, now: Date) -> Bool {
        // On this host the process table decides: the owner's process is there (the same process,
        // by its start time) or it is not. Heartbeat age, which a wall-clock step can distort,
        // decides only for owners on other hosts.
        if let owner = trial.owner, owner.isOnThisHost { return !owner.isAliveOnThisHost }
        guard let beat = trial.heartbeatAt ?? trial.startedAt else { return false }
        return now.timeIntervalSince(beat) > heartbeatGrace
    }
}

extension Storage {
    /// The running trials of study `studyID` whose worker is still alive (not orphaned: its
    /// process exists on this host, or its heartbeat is younger than `heartbeatGrace` seconds) —
    /// what deleting the study would pull from under a runner.
    public func liveTrials(studyID: Int, heartbeatGrace: TimeInterval = 60, now: Date = Date()) throws -> [FrozenTrial] {
        try allTrials(studyID: studyID).filter {
            $0.state == .running && !Study.isOrphaned($0, heartbeatGrace: heartbeatGrace, now: now)
        }
    }
}

extension Study {
    /// Refreshes, every `interval` seconds until stopped, the heartbeat of each running trial of
    /// this study that this process owns, or paused and released for other runners (ASHA) — for
    /// schedulers, whose paused trials stay running between rungs and must not look like orphans
    /// to runners on other hosts.
    public func keepOwnedTrialsAlive(interval: TimeInterval) -> HeartbeatPump {
        HeartbeatPump(interval: interval) { [self] in
            guard let trials = try? history().trials else { return }
            for trial in trials where trial.state == .running
                && (trial.owner == .current || (trial.owner == nil && ASHAHandover.releaser(of: trial) == .current)) {
                try? storage.recordHeartbeat(trialID: trial.id)
            }
        }
    }
}

/// Calls a heartbeat from a background thread every interval until stopped.
public final class HeartbeatPump: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false

    /// Refreshes one running trial's heartbeat.
    convenience init(storage: Storage, trialID: Int, interval: TimeInterval) {
        self.init(interval: interval) { try? storage.recordHeartbeat(trialID: trialID) }
    }

    init(interval: TimeInterval, beat: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            condition.lock()
            while !stopped {
                if !condition.wait(until: Date().addingTimeInterval(interval)) && !stopped {
                    condition.unlock()
                    beat()
                    condition.lock()
                }
            }
            condition.unlock()
        }
        thread.start()
    }

    /// Stops the heartbeats.
    public func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}
