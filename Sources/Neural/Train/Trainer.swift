import Foundation
import MetaTuneNumerics

/// Which optimizer a training run uses.
public enum OptimizerKind: String, CaseIterable, Sendable {
    case sgd, nesterov, adam, adamw, rmsprop
    /// SGD (with momentum) and Adam whose learning rate follows hypergradient descent from the
    /// configured rate (schedules do not apply to them).
    case sgdHD = "sgd-hd", adamHD = "adam-hd"
    /// The same with the normalised (multiplicative) rule α ← α·(1 + β·cos(g, u)).
    case sgdHDN = "sgd-hdn", adamHDN = "adam-hdn"

    /// Whether the learning rate adapts itself while training (hypergradient descent).
    public var adaptsLearningRate: Bool { [.sgdHD, .adamHD, .sgdHDN, .adamHDN].contains(self) }

    /// The default β of hypergradient descent: the paper's 0.001 for SGD-HD and 1e-7 for Adam-HD;
    /// 0.01 for the normalised rule (chosen on the design half of the task pool).
    public var defaultHypergradientRate: Float {
        switch self {
        case .adamHD: return 1e-7
        case .sgdHDN, .adamHDN: return 0.01
        default: return 1e-3
        }
    }

    /// A new optimizer of this kind over `parameters` (`hypergradientRate`: β of the HD kinds,
    /// their default when nil).
    public func make(parameters: [Tensor], learningRate: Float, weightDecay: Float, momentum: Float,
                     hypergradientRate: Float? = nil) -> Optimizer {
        let beta = hypergradientRate ?? defaultHypergradientRate
        switch self {
        case .sgd: return SGD(parameters: parameters, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        case .sgdHD, .sgdHDN:
            return SGD(parameters: parameters, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay, hypergradientRate: beta,
                       normalisedHypergradient: self == .sgdHDN)
        case .adamHD, .adamHDN:
            return Adam(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay, hypergradientRate: beta,
                        normalisedHypergradient: self == .adamHDN)
        case .nesterov:
            return SGD(parameters: parameters, learningRate: learningRate, momentum: max(momentum, 0.9), nesterov: true,
                       weightDecay: weightDecay)
        case .adam: return Adam(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        case .adamw:
            return Adam(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay, decoupledWeightDecay: true)
        case .rmsprop: return RMSProp(parameters: parameters, learningRate: learningRate, weightDecay: weightDecay)
        }
    }
}

/// The settings of one training run.
public struct TrainingConfiguration: Sendable {
    public var epochs = 20
    public var batchSize = 32
    public var optimizer = OptimizerKind.adam
    public var learningRate: Float = 1e-3
    public var weightDecay: Float = 0
    public var momentum: Float = 0.9
    /// β of hypergradient descent for the `-hd` optimizers (nil: the optimizer's default).
    public var hypergradientRate: Float?
    public var schedule = LearningRateSchedule.constant
    public var warmupEpochs = 0
    /// The share of all training steps (batches) over which the rate rises linearly from near 0
    /// to its value, step by step — transformers' warm-up (0: none).
    public var warmupFraction: Double = 0
    /// Clip the global gradient norm to this value.
    public var gradientClip: Float?
    /// Stop when validation loss has not improved for this many epochs.
    public var earlyStoppingPatience: Int?
    public var seed: UInt64 = 0

    public init() {}
}

/// What one epoch achieved.
public struct EpochReport: Sendable {
    public let epoch: Int
    public let trainLoss: Double
    public let validationLoss: Double
    public let validationAccuracy: Double
}

/// Why training stopped abnormally.
public struct TrainingError: Error, CustomStringConvertible {
    public let description: String
}

/// Trains a classifier (softmax cross-entropy) or a regressor (mean squared error) with mini-batches, evaluating on validation data after every epoch.
public enum Trainer {
    /// Trains `model` and returns the report of every epoch. `onEpoch` sees each report as it
    /// comes and may throw to stop (e.g. when a pruner says so). A NaN or infinite loss stops
    /// training with a `TrainingError`.
    @discardableResult
    public static func fit(_ model: Sequential, train: Dataset, validation: Dataset, configuration: TrainingConfiguration,
                           onEpoch: (EpochReport) throws -> Void = { _ in }) throws -> [EpochReport] {
        let session = try TrainingSession(model: model, train: train, validation: validation, configuration: configuration)
        try session.advance(toEpoch: configuration.epochs, onEpoch: onEpoch)
        return session.reports
    }

    /// Mean cross-entropy and accuracy (arg-max, ties → lowest index) on `data`, in evaluation
    /// mode; for regression the mean squared error (and NaN accuracy).
    public static func evaluate(_ model: Sequential, _ data: Dataset, batchSize: Int = 512) -> (loss: Double, accuracy: Double) {
        var context = ForwardContext(training: false)
        var lossSum = 0.0, correct = 0
        for start in stride(from: 0, to: data.count, by: batchSize) {
            let indices = Array(start..<min(start + batchSize, data.count))
            let (x, y) = data.batch(indices[...])
            let logits = model.forward(x, &context)
            if data.isRegression {
                lossSum += Double(logits.meanSquaredError(data.targetBatch(indices[...])).scalar) * Double(indices.count)
                continue
            }
            lossSum += Double(logits.softmaxCrossEntropy(labels: y).scalar) * Double(indices.count)
            let classes = logits.shape[1]
            for row in 0..<indices.count {
                var best = 0
                for j in 1..<classes where logits.data[row * classes + j] > logits.data[row * classes + best] { best = j }
                if best == y[row] { correct += 1 }
            }
        }
        return (lossSum / Double(data.count), data.isRegression ? .nan : Double(correct) / Double(data.count))
    }
}
