import MetaTuneNumerics

/// Prunes a trial whose best intermediate value so far is worse than the given percentile of the
/// values other complete trials reported at the same step. The median pruner is the 50th percentile.
public struct PercentilePruner: Pruner {
    public let percentile: Double
    /// No pruning until this many trials have completed.
    public let startupTrials: Int
    /// No pruning before this step.
    public let warmupSteps: Int
    /// Only judge every `intervalSteps` steps (counted from the warm-up).
    public let intervalSteps: Int
    /// No pruning unless at least this many complete trials reported the same step.
    public let minTrials: Int

    public init(percentile: Double, startupTrials: Int = 5, warmupSteps: Int = 0, intervalSteps: Int = 1,
                minTrials: Int = 1) throws {
        guard (0...100).contains(percentile) else {
            throw PrunerConfigurationError(description: "percentile must be in 0...100, got \(percentile)")
        }
        guard startupTrials >= 0, warmupSteps >= 0 else {
            throw PrunerConfigurationError(description: "startup trials and warm-up steps must be non-negative")
        }
        guard intervalSteps >= 1, minTrials >= 1 else {
            throw PrunerConfigurationError(description: "interval steps and minimum trials must be at least 1")
        }
        self.percentile = percentile
        self.startupTrials = startupTrials
        self.warmupSteps = warmupSteps
        self.intervalSteps = intervalSteps
        self.minTrials = minTrials
    }

    public func shouldPrune(history: StudyHistory, trial: FrozenTrial) -> Bool {
        guard let (step, _) = trial.lastIntermediate, step >= warmupSteps,
              (step - warmupSteps) % intervalSteps == 0 else { return false }
        let complete = history.trials.filter { $0.state == .complete }
        guard complete.count >= startupTrials else { return false }
        guard let best = trial.bestIntermediate(history.direction) else { return true }  // only NaN so far
        let others = complete.compactMap { $0.intermediateValues[step] }.filter { !$0.isNaN }
        guard others.count >= minTrials else { return false }
        let losses = others.map(history.direction.loss)
        guard let threshold = Statistics.percentile(losses, percentile) else { return false }
        return history.direction.loss(best) > threshold
    }
}

/// Prunes a trial whose best intermediate value is worse than the median of the other complete
/// trials at the same step.
public struct MedianPruner: Pruner {
    private let inner: PercentilePruner

    public init(startupTrials: Int = 5, warmupSteps: Int = 0, intervalSteps: Int = 1, minTrials: Int = 1) throws {
        inner = try PercentilePruner(percentile: 50, startupTrials: startupTrials, warmupSteps: warmupSteps,
                                     intervalSteps: intervalSteps, minTrials: minTrials)
    }

    public func shouldPrune(history: StudyHistory, trial: FrozenTrial) -> Bool {
        inner.shouldPrune(history: history, trial: trial)
    }
}
