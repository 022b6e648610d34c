/// Decides whether a running trial should stop early, from its learning curve (intermediate
/// values by step) and those of the other trials. Like a sampler, a pruner is a pure function of
/// what the storage holds, so it works the same across threads, processes and machines.
public protocol Pruner: Sendable {
    /// Whether `trial` should stop now, judged at its last reported step.
    func shouldPrune(history: StudyHistory, trial: FrozenTrial) -> Bool
}

/// Never prunes.
public struct NopPruner: Pruner {
    public init() {}

    public func shouldPrune(history: StudyHistory, trial: FrozenTrial) -> Bool { false }
}

/// Errors in pruner settings.
public struct PrunerConfigurationError: Error, CustomStringConvertible {
    public let description: String
}

extension FrozenTrial {
    /// The best intermediate value reported so far (NaN values ignored), or nil.
    func bestIntermediate(_ direction: StudyDirection) -> Double? {
        var best: Double?
        for value in intermediateValues.values where !value.isNaN {
            if best == nil || direction.isBetter(value, than: best!) { best = value }
        }
        return best
    }
}
