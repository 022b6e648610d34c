import Foundation

/// How the learning rate changes over training, as a factor of the base rate per epoch.
public enum LearningRateSchedule: Sendable, Equatable {
    case constant
    /// × `factor` every `every` epochs.
    case step(every: Int, factor: Float)
    /// Cosine decay from 1 to 0 over the training.
    case cosine

    /// The factor for `epoch` (0-based) of `epochs`, after `warmupEpochs` of linear warm-up.
    public func factor(epoch: Int, epochs: Int, warmupEpochs: Int = 0) -> Float {
        if epoch < warmupEpochs { return Float(epoch + 1) / Float(warmupEpochs + 1) }
        let e = epoch - warmupEpochs, total = max(epochs - warmupEpochs, 1)
        switch self {
        case .constant:
            return 1
        case let .step(every, factor):
            return Foundation.pow(factor, Float(e / max(every, 1)))
        case .cosine:
            return 0.5 * (1 + Foundation.cos(Float.pi * Float(e) / Float(total)))
        }
    }
}
