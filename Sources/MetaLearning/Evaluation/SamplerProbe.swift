import Foundation
import MetaTune

/// Asks a sampler for its next configuration given a list of finished ones, without a study or a
/// storage: the relative space first, then every other active parameter independently, as
/// `Trial.suggest(space:)` does.
struct SamplerProbe {
    let space: SearchSpace
    let cacheKey = UUID().uuidString

    /// The finished trials as a sampler sees them.
    func history(_ finished: [(params: [String: ParamValue], score: Double)]) -> StudyHistory {
        let trials = finished.enumerated().map { number, entry in
            FrozenTrial(id: number, number: number, state: .complete, value: entry.score, params: entry.params,
                        distributions: entry.params.reduce(into: [:]) { $0[$1.key] = space[$1.key]?.distribution })
        }
        return StudyHistory(direction: .maximize, trials: trials, cacheKey: cacheKey)
    }

    /// The sampler's suggestion for trial number `finished.count`.
    func suggest(_ sampler: Sampler, finished: [(params: [String: ParamValue], score: Double)]) -> [String: ParamValue] {
        let history = history(finished)
        var trial = FrozenTrial(id: finished.count, number: finished.count, state: .running)
        let relativeSpace = sampler.relativeSearchSpace(history: history, trial: trial)
        let relative = relativeSpace.isEmpty ? [:] : sampler.sampleRelative(history: history, trial: trial, space: relativeSpace)
        for spec in space.parameters where space.isActive(spec, given: trial.params) {
            let value: ParamValue
            if relativeSpace[spec.name] == spec.distribution, let chosen = relative[spec.name] {
                value = chosen
            } else {
                value = sampler.sampleIndependent(history: history, trial: trial, name: spec.name, distribution: spec.distribution)
            }
            trial.params[spec.name] = value
            trial.distributions[spec.name] = spec.distribution
        }
        return trial.params
    }
}
