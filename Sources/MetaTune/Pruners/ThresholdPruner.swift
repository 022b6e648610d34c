/// Prunes a trial whose last intermediate value is NaN or outside `lower...upper`.
public struct ThresholdPruner: Pruner {
    public let lower: Double?
    public let upper: Double?
    public let warmupSteps: Int
    public let intervalSteps: Int

    public init(lower: Double? = nil, upper: Double? = nil, warmupSteps: Int = 0, intervalSteps: Int = 1) throws {
        guard lower != nil || upper != nil else {
            throw PrunerConfigurationError(description: "a threshold pruner needs a lower or an upper bound")
        }
        if let lower, let upper, lower > upper {
            throw PrunerConfigurationError(description: "lower bound \(lower) must not exceed upper bound \(upper)")
        }
        guard warmupSteps >= 0, intervalSteps >= 1 else {
            throw PrunerConfigurationError(description: "warm-up steps must be non-negative and interval steps at least 1")
        }
        self.lower = lower
        self.upper = upper
        self.warmupSteps = warmupSteps
        self.intervalSteps = intervalSteps
    }

    public func shouldPrune(history: StudyHistory, trial: FrozenTrial) -> Bool {
        guard let (step, value) = trial.lastIntermediate, step >= warmupSteps,
              (step - warmupSteps) % intervalSteps == 0 else { return false }
        if value.isNaN { return true }
        if let lower, value < lower { return true }
        if let upper, value > upper { return true }
        return false
    }
}
