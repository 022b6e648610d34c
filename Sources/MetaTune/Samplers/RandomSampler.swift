import Foundation
import Numerics

/// Draws every parameter independently and uniformly (log-uniformly for log parameters).
public struct RandomSampler: Sampler {
    public let seed: UInt64

    public init(seed: UInt64 = 0) {
        self.seed = seed
    }

    public func sampleIndependent(history: StudyHistory, trial: FrozenTrial, name: String, distribution: Distribution) -> ParamValue {
        var generator = decisionGenerator(seed: seed, trial: trial.number, label: name)
        return distribution.externalValue(unitCubeToInternal(generator.nextUniform(), distribution))
    }
}

/// Maps u ∈ [0, 1) onto the internal representation of `distribution` so that a uniform u gives
/// a uniform (or log-uniform) value, each grid point or choice having equal probability.
func unitCubeToInternal(_ u: Double, _ distribution: Distribution) -> Double {
    switch distribution {
    case .float(let d):
        if d.log { return exp(log(d.low) + u * (log(d.high) - log(d.low))) }
        if let step = d.step {
            let count = ((d.high - d.low) / step).rounded() + 1
            return d.low + min((u * count).rounded(.down), count - 1) * step
        }
        return d.low + u * (d.high - d.low)
    case .int(let d):
        if d.log {
            let lo = log(Double(d.low) - 0.5), hi = log(Double(d.high) + 0.5)
            return exp(lo + u * (hi - lo)).rounded().clamped(Double(d.low), Double(d.high))
        }
        let count = Double((d.high - d.low) / d.step + 1)
        return Double(d.low) + min((u * count).rounded(.down), count - 1) * Double(d.step)
    case .categorical(let d):
        return min((u * Double(d.choices.count)).rounded(.down), Double(d.choices.count - 1))
    }
}

extension Double {
    func clamped(_ low: Double, _ high: Double) -> Double { Swift.min(Swift.max(self, low), high) }
}
