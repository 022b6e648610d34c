import Foundation
import MetaTuneNumerics

/// Draws every parameter independently and uniformly (log-uniformly for log parameters).
public struct RandomSampler: Sampler {
    public let seed: UInt64

    public init(seed: UInt64 = 0) {
        self.seed = seed
    }

    public func sampleIndependent(history: StudyHistory, trial: FrozenTrial, name: String, distribution: Distribution) -> ParamValue {
        var generator = decisionGenerator(seed: seed, trial: trial.number, label: name)
        return distribution.externalValue(distribution.internalValue(fromUnit: generator.nextUniform()))
    }
}
