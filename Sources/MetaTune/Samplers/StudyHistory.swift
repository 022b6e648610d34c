import Foundation

/// What a sampler or pruner sees of a study: its direction and its trials, ordered by number.
public struct StudyHistory: Sendable {
    public let direction: StudyDirection
    /// Every trial, in number order (waiting, running and finished).
    public let trials: [FrozenTrial]
    /// Identifies the series of histories one `Study` object produces, so that samplers may
    /// memoise what they derive from finished trials.
    public let cacheKey: String

    public init(direction: StudyDirection, trials: [FrozenTrial], cacheKey: String = UUID().uuidString) {
        self.direction = direction
        self.trials = trials
        self.cacheKey = cacheKey
    }

    /// The best complete trial, or nil.
    public var bestTrial: FrozenTrial? {
        var best: FrozenTrial?
        for trial in trials where trial.state == .complete {
            if let value = trial.value, best == nil || direction.isBetter(value, than: best!.value!) { best = trial }
        }
        return best
    }
}
