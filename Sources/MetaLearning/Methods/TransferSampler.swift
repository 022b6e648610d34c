import Foundation
import MetaTune

/// Starts a study with configurations from a `TransferRanking` chosen one trial at a time: before
/// each of the first `count` trials the past tasks are weighted again (`TaskWeighting`) with every
/// trial the new task has finished so far, and the best-ranked configuration not yet tried or
/// running is suggested. Then a base sampler takes over, with those trials in its history. A pure
/// function of the history, like every sampler.
public struct TransferSampler: Sampler {
    public let ranking: TransferRanking
    public let weighting: TaskWeighting
    /// The new task's meta-features, if known.
    public let metaFeatures: MetaFeatures?
    /// How many trials the ranking chooses.
    public let count: Int
    public let base: Sampler

    public init(ranking: TransferRanking, weighting: TaskWeighting, metaFeatures: MetaFeatures?, count: Int, base: Sampler) {
        self.ranking = ranking
        self.weighting = weighting
        self.metaFeatures = metaFeatures
        self.count = count
        self.base = base
    }

    /// The first trial's configuration and where it comes from (nothing observed yet).
    public var firstPick: (params: [String: ParamValue], origin: String)? {
        ranking.next(weighting: weighting, metaFeatures: metaFeatures, observations: [])
    }

    /// The ranking's choice for `trial` given the history, or nil once the base sampler decides.
    func pick(history: StudyHistory, trial: FrozenTrial) -> (params: [String: ParamValue], origin: String)? {
        guard trial.number < count else { return nil }
        let sign = history.direction == .maximize ? 1.0 : -1.0
        var observations: [(params: [String: ParamValue], score: Double)] = []
        var pending: [[String: ParamValue]] = []
        for past in history.trials where past.number != trial.number {
            if past.state == .complete, let value = past.value, value.isFinite {
                observations.append((past.params, sign * value))
            } else if !past.state.isFinished {
                pending.append(past.params)
            }
        }
        return ranking.next(weighting: weighting, metaFeatures: metaFeatures, observations: observations, pending: pending)
    }

    public func origin(of trial: FrozenTrial, history: StudyHistory) -> String? {
        pick(history: history, trial: trial)?.origin ?? base.origin(of: trial, history: history)
    }

    public func relativeSearchSpace(history: StudyHistory, trial: FrozenTrial) -> [String: Distribution] {
        guard let chosen = pick(history: history, trial: trial) else { return base.relativeSearchSpace(history: history, trial: trial) }
        var declared: [String: Distribution] = [:]
        for spec in ranking.scores.space.parameters where chosen.params[spec.name] != nil { declared[spec.name] = spec.distribution }
        return declared
    }

    public func sampleRelative(history: StudyHistory, trial: FrozenTrial, space: [String: Distribution]) -> [String: ParamValue] {
        guard let chosen = pick(history: history, trial: trial) else { return base.sampleRelative(history: history, trial: trial, space: space) }
        return chosen.params.filter { name, value in space[name]?.internalValue(of: value) != nil }
    }

    public func sampleIndependent(history: StudyHistory, trial: FrozenTrial, name: String, distribution: Distribution) -> ParamValue {
        base.sampleIndependent(history: history, trial: trial, name: name, distribution: distribution)
    }
}
