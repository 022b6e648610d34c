/// Prunes a trial whose learning curve has not improved by more than `minDelta` over its last
/// `patience` reported steps (compared with the best value before them).
public struct PatiencePruner: Pruner {
    public let patience: Int
    public let minDelta: Double

    public init(patience: Int, minDelta: Double = 0) throws {
        guard patience >= 0 else { throw PrunerConfigurationError(description: "patience must be non-negative, got \(patience)") }
        guard minDelta >= 0 else { throw PrunerConfigurationError(description: "minimum delta must be non-negative, got \(minDelta)") }
        self.patience = patience
        self.minDelta = minDelta
    }

    public func shouldPrune(history: StudyHistory, trial: FrozenTrial) -> Bool {
        let steps = trial.intermediateValues.keys.sorted()
        guard steps.count > patience + 1 else { return false }
        let direction = history.direction
        let losses = steps.map { direction.loss(trial.intermediateValues[$0]!) }.map { $0.isNaN ? Double.infinity : $0 }
        let bestBefore = losses[..<(losses.count - patience - 1)].min()!
        let bestRecent = losses[(losses.count - patience - 1)...].min()!
        return bestRecent > bestBefore - minDelta
    }
}
