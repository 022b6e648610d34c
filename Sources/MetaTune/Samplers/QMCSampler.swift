import Foundation
import MetaTuneNumerics

/// Quasi-Monte Carlo search: trial n takes point n of a scrambled Sobol sequence, which covers the
/// space far more evenly than independent random draws.
///
/// The joint space is the declared `space` when one is given; otherwise the parameters shared by
/// every complete trial (so the very first trial is drawn at random). Parameters outside it are
/// drawn at random.
public struct QMCSampler: Sampler {
    public let seed: UInt64
    public let scramble: Bool
    private let declared: [String: Distribution]?
    private let cache = HistoryCache()

    public init(seed: UInt64 = 0, scramble: Bool = true, space: SearchSpace? = nil) {
        self.seed = seed
        self.scramble = scramble
        if let space {
            declared = Dictionary(uniqueKeysWithValues: space.parameters.map { ($0.name, $0.distribution) })
        } else {
            declared = nil
        }
    }

    public func relativeSearchSpace(history: StudyHistory, trial: FrozenTrial) -> [String: Distribution] {
        declared ?? cache.intersectionSearchSpace(of: history)
    }

    public func sampleRelative(history: StudyHistory, trial: FrozenTrial, space: [String: Distribution]) -> [String: ParamValue] {
        let names = space.keys.sorted()
        guard !names.isEmpty, names.count <= SobolSequence.maxDimension else { return [:] }
        let point = SobolSequence.point(index: trial.number, dimension: names.count, scrambleSeed: scramble ? seed : nil)
        var values: [String: ParamValue] = [:]
        for (name, u) in zip(names, point) {
            values[name] = space[name]!.externalValue(space[name]!.internalValue(fromUnit: u))
        }
        return values
    }

    public func sampleIndependent(history: StudyHistory, trial: FrozenTrial, name: String, distribution: Distribution) -> ParamValue {
        RandomSampler(seed: seed).sampleIndependent(history: history, trial: trial, name: name, distribution: distribution)
    }
}
