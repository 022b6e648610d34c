import Foundation
import MetaTuneNumerics

/// The trials a GP sampler learns from, as model inputs: the complete trials that have every
/// parameter of the joint space (targets oriented for minimisation), and the points of trials
/// still running.
struct GPObservations {
    var inputs: [[Double]] = []
    /// Objective values, negated when the study maximises; non-finite ones replaced by the worst
    /// finite value.
    var targets: [Double] = []
    /// Points of running trials other than the one being sampled.
    var pending: [[Double]] = []

    init(history: StudyHistory, features: GPFeatureSpace, excluding number: Int) {
        let sign = history.direction == .maximize ? -1.0 : 1.0
        var nonFinite: [Int] = []
        for trial in history.trials where trial.number != number {
            switch trial.state {
            case .complete:
                guard let value = trial.value, let x = features.features(of: trial) else { continue }
                if !value.isFinite { nonFinite.append(targets.count) }
                inputs.append(x)
                targets.append(sign * value)
            case .running:
                if let x = features.features(of: trial) { pending.append(x) }
            default:
                continue
            }
        }
        if !nonFinite.isEmpty {
            let worst = targets.filter(\.isFinite).max() ?? 0
            for index in nonFinite { targets[index] = worst }
        }
    }

    var count: Int { inputs.count }

    /// The targets, optionally warped by log(1 + (y − min)/scale), with the scale the distance
    /// from the minimum to the median (which compresses the bad values and magnifies differences
    /// among the good ones, more so as the search converges), then standardised.
    func standardizedTargets(warped: Bool) -> [Double] {
        var values = targets
        if warped, let low = values.min() {
            let median = Statistics.median(values) ?? low
            let range = (values.max() ?? low) - low
            let scale = max(median - low, 1e-9 * range, 1e-300)
            values = values.map { log1p(($0 - low) / scale) }
        }
        return Statistics.standardized(values)
    }
}
