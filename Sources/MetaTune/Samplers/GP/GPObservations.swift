import Foundation

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

    /// The targets shifted and scaled to mean 0 and standard deviation 1 (only shifted when they
    /// are all equal).
    var standardizedTargets: [Double] {
        let n = Double(targets.count)
        let mean = targets.reduce(0, +) / n
        let variance = targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let sd = variance > 0 ? variance.squareRoot() : 1
        return targets.map { ($0 - mean) / sd }
    }
}
