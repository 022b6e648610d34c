import Foundation

/// How the learning rate changes over training, as a factor of the base rate per epoch.
public enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// × `factor` every `every` epochs.
    case step(every: Int, factor: Float)
    /// Cosine decay from 1 to 0 over the training.
    case cosine
    /// Linear decay from 1 to 0 over the training's steps (batches), as transformers are
    /// fine-tuned: applied per step by `stepFactor`, so its per-epoch factor is 1.
    case linear

    /// The factor for `epoch` (0-based) of `epochs`, after `warmupEpochs` of linear warm-up.
    public func factor(epoch: Int, epochs: Int, warmupEpochs: Int = 0) -> Float {
        if epoch < warmupEpochs { return Float(epoch + 1) / Float(warmupEpochs + 1) }
        let e = epoch - warmupEpochs, total = max(epochs - warmupEpochs, 1)
        switch self {
        case .constant, .linear:
            return 1
        case let .step(every, factor):
            return Foundation.pow(factor, Float(e / max(every, 1)))
        case .cosine:
            return 0.5 * (1 + Foundation.cos(Float.pi * Float(e) / Float(total)))
        }
    }

    /// The factor for step `step` (0-based) of `steps` in all: a linear rise over the first
    /// `warmupSteps` (from 1/(warmupSteps + 1) to 1), then for `.linear` a linear fall to 0 after
    /// the last step; the other schedules act per epoch and give 1 after the warm-up.
    public func stepFactor(step: Int, steps: Int, warmupSteps: Int) -> Float {
        if step < warmupSteps { return Float(step + 1) / Float(warmupSteps + 1) }
        guard self == .linear else { return 1 }
        return Float(max(steps - step, 0)) / Float(max(steps - warmupSteps, 1))
    }
}
