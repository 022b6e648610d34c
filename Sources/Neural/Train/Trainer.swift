import Foundation
import Numerics

/// Which optimizer a training run uses.
public enum OptimizerKind: String, CaseIterable, Sendable {
    case sgd, nesterov, adam, adamw, rmsprop

    /// A new optimizer of this kind over `parameters`.
    public func make(parameters: [Tensor], learningRate: Float, weightDecay: Float, momentum: Float) -> Optimizer {
        switch self {
        case .sgd: return SGD(parameters: parameters, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
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
    public var schedule = LearningRateSchedule.constant
    public var warmupEpochs = 0
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
        guard train.count > 0, validation.count > 0 else { throw TrainingError(description: "training and validation data must not be empty") }
        let optimizer = configuration.optimizer.make(parameters: model.parameters, learningRate: configuration.learningRate,
                                                     weightDecay: configuration.weightDecay, momentum: configuration.momentum)
        var order = SeededGenerator(seeds: [configuration.seed, stableHash("batch-order")])
        var context = ForwardContext(training: true, seed: configuration.seed &+ 17)
        var reports: [EpochReport] = []
        var bestValidationLoss = Double.infinity
        var epochsWithoutImprovement = 0
        for epoch in 0..<configuration.epochs {
            optimizer.learningRate = configuration.learningRate
                * configuration.schedule.factor(epoch: epoch, epochs: configuration.epochs, warmupEpochs: configuration.warmupEpochs)
            var permutation = Array(0..<train.count)
            permutation.shuffle(using: &order)
            var lossSum = 0.0
            var batches = 0
            for start in stride(from: 0, to: train.count, by: configuration.batchSize) {
                let rows = permutation[start..<min(start + configuration.batchSize, train.count)]
                let (x, y) = train.batch(rows)
                let output = model.forward(x, &context)
                let loss = train.isRegression ? output.meanSquaredError(train.targetBatch(rows)) : output.softmaxCrossEntropy(labels: y)
                guard loss.scalar.isFinite else {
                    throw TrainingError(description: "the training loss became \(loss.scalar) in epoch \(epoch + 1) (diverged)")
                }
                optimizer.zeroGrad()
                loss.backward()
                if let clip = configuration.gradientClip { optimizer.clipGradients(maxNorm: clip) }
                optimizer.step()
                lossSum += Double(loss.scalar)
                batches += 1
            }
            let (validationLoss, accuracy) = evaluate(model, validation)
            guard validationLoss.isFinite else {
                throw TrainingError(description: "the validation loss became \(validationLoss) in epoch \(epoch + 1) (diverged)")
            }
            let report = EpochReport(epoch: epoch, trainLoss: lossSum / Double(batches), validationLoss: validationLoss,
                                     validationAccuracy: accuracy)
            reports.append(report)
            try onEpoch(report)
            if let patience = configuration.earlyStoppingPatience {
                if validationLoss < bestValidationLoss - 1e-6 {
                    bestValidationLoss = validationLoss
                    epochsWithoutImprovement = 0
                } else {
                    epochsWithoutImprovement += 1
                    if epochsWithoutImprovement >= patience { break }
                }
            }
        }
        return reports
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
