import Foundation

/// How ASHA runners sharing a storage pass paused trials to each other. A runner that pauses a
/// trial whose run another runner could resume (`ResumableObjective.handover(of:)`) records where
/// it stands — rung, resource used, the hand-over record, who paused it — in the system attribute
/// `asha_paused`, and releases the trial in the storage (no owner). Whichever runner promotes it
/// takes it with `Storage.handOverTrial(trialID:from:to:)`, which only one can win; the runner that
/// paused it must win the same race to promote it itself or to stop it when its run ends. Until
/// then that runner keeps the released trial's heartbeat (`Study.keepOwnedTrialsAlive`), so a
/// released trial whose runner died is failed as an orphan like any other.
enum ASHAHandover {
    /// The system attribute of a released paused trial.
    static let pausedKey = "asha_paused"

    /// The record stored on a trial released at `rung` after using `used` resource.
    static func record(rung: Int, used: Int, handover: JSONValue, by owner: TrialOwner) -> JSONValue {
        .object([
            "rung": .number(Double(rung)),
            "used": .number(Double(used)),
            "handover": handover,
            "paused_by": .object(["host": .string(owner.host), "pid": .number(Double(owner.pid)),
                                  "start": .number(Double(owner.processStart))]),
        ])
    }

    /// A released paused trial as stored: its rung, resource used and hand-over record; nil when
    /// the trial is not released (it has an owner, or no record).
    static func released(_ trial: FrozenTrial) -> (rung: Int, used: Int, handover: JSONValue)? {
        guard trial.state == .running, trial.owner == nil else { return nil }
        return pauseRecord(of: trial)
    }

    /// The trial's stored pause record — rung, resource used, hand-over record — whoever holds it now.
    static func pauseRecord(of trial: FrozenTrial) -> (rung: Int, used: Int, handover: JSONValue)? {
        guard let record = trial.systemAttributes[pausedKey],
              case .number(let rung)? = record["rung"], case .number(let used)? = record["used"],
              let handover = record["handover"], rung >= 0, used >= 0 else { return nil }
        return (Int(rung), Int(used), handover)
    }

    /// The runner that released `trial`, while it is released.
    static func releaser(of trial: FrozenTrial) -> TrialOwner? {
        guard released(trial) != nil else { return nil }
        return pausedBy(trial)
    }

    /// Whether the trial's stored record is the one `owner` wrote when it paused the trial at
    /// `rung` — whoever holds the trial now. False once another runner took the trial up, advanced
    /// it and paused it again: the paused run `owner` keeps in memory is then stale (its
    /// checkpoint may already be gone) and only the newer record may resume the trial.
    static func isRecord(of trial: FrozenTrial, pausedBy owner: TrialOwner, atRung rung: Int) -> Bool {
        guard case .number(let storedRung)? = trial.systemAttributes[pausedKey]?["rung"] else { return false }
        return Int(storedRung) == rung && pausedBy(trial) == owner
    }

    /// Who wrote the trial's pause record, whether or not the trial is released now.
    private static func pausedBy(_ trial: FrozenTrial) -> TrialOwner? {
        guard let by = trial.systemAttributes[pausedKey]?["paused_by"],
              case .string(let host)? = by["host"], case .number(let pid)? = by["pid"], case .number(let start)? = by["start"] else { return nil }
        return TrialOwner(host: host, pid: Int32(truncatingIfNeeded: Int(pid)), processStart: Int64(start))
    }
}
