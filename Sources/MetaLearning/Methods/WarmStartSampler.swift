import Foundation
import MetaTune

/// Starts a study with given configurations, in order, then hands over to a base sampler (which
/// sees those first trials like any other). The configurations come from meta-learning: the best
/// ones of similar past tasks, a portfolio, or a learned mapping's favourites.
public struct WarmStartSampler: Sampler {
    /// The configurations of the first trials, with where each came from (for progress output).
    public let initial: [(params: [String: ParamValue], origin: String)]
    public let base: Sampler
    private let space: SearchSpace

    /// Past configurations are fitted into `space` first (`PastTaskScores.fitted`).
    public init(initial: [(params: [String: ParamValue], origin: String)], base: Sampler, space: SearchSpace) {
        self.initial = initial.map { (PastTaskScores.fitted($0.params, space: space), $0.origin) }
        self.base = base
        self.space = space
    }

    /// Where trial `number`'s suggestion came from, or nil once the base sampler has taken over.
    public func origin(ofTrial number: Int) -> String? {
        number < initial.count ? initial[number].origin : nil
    }

    public func origin(of trial: FrozenTrial, history: StudyHistory) -> String? {
        origin(ofTrial: trial.number) ?? base.origin(of: trial, history: history)
    }

    public func relativeSearchSpace(history: StudyHistory, trial: FrozenTrial) -> [String: Distribution] {
        guard trial.number < initial.count else { return base.relativeSearchSpace(history: history, trial: trial) }
        var declared: [String: Distribution] = [:]
        for spec in space.parameters where initial[trial.number].params[spec.name] != nil {
            declared[spec.name] = spec.distribution
        }
        return declared
    }

    public func sampleRelative(history: StudyHistory, trial: FrozenTrial, space: [String: Distribution]) -> [String: ParamValue] {
        guard trial.number < initial.count else { return base.sampleRelative(history: history, trial: trial, space: space) }
        return initial[trial.number].params.filter { name, value in space[name]?.internalValue(of: value) != nil }
    }

    public func sampleIndependent(history: StudyHistory, trial: FrozenTrial, name: String, distribution: Distribution) -> ParamValue {
        base.sampleIndependent(history: history, trial: trial, name: name, distribution: distribution)
    }
}
