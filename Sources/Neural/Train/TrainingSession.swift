import Foundation
import MetaTuneNumerics

/// A training run that can pause after any epoch and go on later — what successive halving,
/// Hyperband and population-based training need: the model, the optimizer's state, the batch
/// order and the dropout stream all persist between calls, so training to 2 epochs and then on to
/// 5 gives exactly the run that trains to 5 at once.
public final class TrainingSession {
    public let model: Sequential
    public let configuration: TrainingConfiguration
    /// Every epoch's report so far.
    public private(set) var reports: [EpochReport] = []
    /// True once early stopping (`configuration.earlyStoppingPatience`) ended the run.
    public private(set) var stoppedEarly = false
    private let train: Dataset
    private let validation: Dataset
    private let optimizer: Optimizer
    /// The learning rate of the last step (hypergradient descent moves it as training goes).
    public var learningRate: Float { optimizer.learningRate }
    private var order: SeededGenerator
    private var context: ForwardContext
    private var bestValidationLoss = Double.infinity
    private var epochsWithoutImprovement = 0

    public init(model: Sequential, train: Dataset, validation: Dataset, configuration: TrainingConfiguration) throws {
        guard train.count > 0, validation.count > 0 else { throw TrainingError(description: "training and validation data must not be empty") }
        self.model = model
        self.configuration = configuration
        self.train = train
        self.validation = validation
        optimizer = configuration.optimizer.make(parameters: model.parameters, learningRate: configuration.learningRate,
                                                 weightDecay: configuration.weightDecay, momentum: configuration.momentum,
                                                 hypergradientRate: configuration.hypergradientRate)
        order = SeededGenerator(seeds: [configuration.seed, stableHash("batch-order")])
        context = ForwardContext(training: true, seed: configuration.seed &+ 17)
    }

    /// Continues from where `donor` is instead: takes over its weights, batch-norm statistics,
    /// optimizer state and reports (the history of those weights). Both sessions must train the
    /// same architecture with the same kind of optimizer; this session keeps its own batch order,
    /// dropout stream and hyperparameters.
    public func adopt(_ donor: TrainingSession) throws {
        try model.copyState(from: donor.model)
        try optimizer.copyState(from: donor.optimizer)
        reports = donor.reports
        stoppedEarly = donor.stoppedEarly
        bestValidationLoss = donor.bestValidationLoss
        epochsWithoutImprovement = donor.epochsWithoutImprovement
    }

    /// The epochs trained so far.
    public var epochsDone: Int { reports.count }

    /// Trains on until `epochs` epochs are done in all (at most `configuration.epochs`, whose
    /// value also shapes the learning-rate schedule), or early stopping ends the run. `onEpoch`
    /// sees each new report and may throw to stop. A NaN or infinite loss throws a `TrainingError`.
    public func advance(toEpoch epochs: Int, onEpoch: (EpochReport) throws -> Void = { _ in }) throws {
        while epochsDone < min(epochs, configuration.epochs) && !stoppedEarly {
            let report = try trainOneEpoch()
            reports.append(report)
            try onEpoch(report)
            if let patience = configuration.earlyStoppingPatience {
                if report.validationLoss < bestValidationLoss - 1e-6 {
                    bestValidationLoss = report.validationLoss
                    epochsWithoutImprovement = 0
                } else {
                    epochsWithoutImprovement += 1
                    if epochsWithoutImprovement >= patience { stoppedEarly = true }
                }
            }
        }
    }

    private func trainOneEpoch() throws -> EpochReport {
        let epoch = epochsDone
        // Hypergradient descent moves the rate itself: it starts from the configured one.
        let epochRate = configuration.learningRate
            * configuration.schedule.factor(epoch: epoch, epochs: configuration.epochs, warmupEpochs: configuration.warmupEpochs)
        if !configuration.optimizer.adaptsLearningRate || epoch == 0 { optimizer.learningRate = epochRate }
        let batchesPerEpoch = (train.count + configuration.batchSize - 1) / configuration.batchSize
        let steps = batchesPerEpoch * configuration.epochs
        let warmupSteps = Int((configuration.warmupFraction * Double(steps)).rounded())
        let perStep = !configuration.optimizer.adaptsLearningRate && (warmupSteps > 0 || configuration.schedule == .linear)
        var permutation = Array(0..<train.count)
        permutation.shuffle(using: &order)
        var lossSum = 0.0
        var batches = 0
        for start in stride(from: 0, to: train.count, by: configuration.batchSize) {
            let rows = permutation[start..<min(start + configuration.batchSize, train.count)]
            if perStep {
                let step = epoch * batchesPerEpoch + batches
                optimizer.learningRate = epochRate * configuration.schedule.stepFactor(step: step, steps: steps, warmupSteps: warmupSteps)
            }
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
        let (validationLoss, accuracy) = Trainer.evaluate(model, validation)
        guard validationLoss.isFinite else {
            throw TrainingError(description: "the validation loss became \(validationLoss) in epoch \(epoch + 1) (diverged)")
        }
        return EpochReport(epoch: epoch, trainLoss: lossSum / Double(batches), validationLoss: validationLoss,
                           validationAccuracy: accuracy)
    }
}
