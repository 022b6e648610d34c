/// The life-cycle state of a trial.
public enum TrialState: String, Sendable, Codable, CaseIterable {
    /// Enqueued with fixed parameters, not yet picked up by a worker.
    case waiting
    /// Being evaluated.
    case running
    /// Finished with a value.
    case complete
    /// Stopped early by a pruner or scheduler.
    case pruned
    /// The objective threw, crashed, timed out or returned NaN or infinity.
    case failed

    /// Whether the trial has ended (complete, pruned or failed).
    public var isFinished: Bool {
        self == .complete || self == .pruned || self == .failed
    }
}

/// Whether a study minimises or maximises its objective.
public enum StudyDirection: String, Sendable, Codable, CaseIterable {
    case minimize
    case maximize

    /// Whether `a` is strictly better than `b` in this direction.
    @inlinable
    public func isBetter(_ a: Double, than b: Double) -> Bool {
        self == .minimize ? a < b : a > b
    }

    /// `value` turned into a loss (lower is better).
    @inlinable
    public func loss(_ value: Double) -> Double {
        self == .minimize ? value : -value
    }
}
