import Foundation
import MetaTune
import Neural
import Numerics

/// The learned mapping (task meta-features, hyperparameters) → normalised score: a small MLP
/// trained on MetaTune's own engine, with a mean-squared-error loss, on every trial of every past
/// task. A task's scores are normalised by rank (normal scores of the ranks), so that tasks of
/// any difficulty weigh the same and a diverged configuration is merely "the worst". A task
/// without meta-features (a past one, or the new one) enters with all of them at the knowledge
/// base's mean (standardised 0): for such tasks the mapping is the response surface shared by
/// all past tasks.
public final class PerformanceMapping: @unchecked Sendable {
    public let space: SearchSpace
    /// The training loss after each epoch (mean over the ensemble).
    public let trainingLosses: [Double]
    private let networks: [Sequential]
    private let taskFeatures: NearestTasks
    private let lock = NSLock()

    /// Trains the mapping on `knowledge` (inputs: standardised meta-features and the unit-cube
    /// encoding of `space`, categoricals one-hot): an ensemble of `ensembleSize` networks with
    /// two hidden layers of 128 units, differing in their seeds, whose predictions are averaged
    /// (on the task pool, one network of 64 units reached a median held-out-task Spearman
    /// correlation of 0.57, five of 128 units 0.71: see BENCHMARKS.md).
    public init(knowledge: KnowledgeBase, space: SearchSpace, seed: UInt64 = 0, epochs: Int = 60, ensembleSize: Int = 5) throws {
        guard !knowledge.tasks.isEmpty else { throw StudyError.invalidArgument("the learned mapping needs a knowledge base with tasks") }
        self.space = space
        taskFeatures = NearestTasks(knowledge: knowledge)
        var inputs: [Float] = [], targets: [Float] = []
        for task in knowledge.tasks {
            let meta = Self.standardized(task.metaFeatures, over: taskFeatures)
            let normalised = Self.normalScoresOfRanks(task.trials.map(\.score))
            for (trial, target) in zip(task.trials, normalised) {
                inputs += (meta + Self.encode(trial.params, space: space)).map(Float.init)
                targets.append(Float(target))
            }
        }
        let width = MetaFeatures.names.count + Self.encodedWidth(space)
        var data = Dataset(features: inputs, targets: targets, featureCount: width)
        // A seeded tenth of the rows is held out, to watch the fit (not for early stopping).
        var generator = SplitMix64(state: seed ^ 0x6D61_7070)
        let order = generator.permutation(data.count)
        let holdout = max(1, data.count / 10)
        let validation = data.subset(Array(order.prefix(holdout)))
        data = data.subset(Array(order.dropFirst(holdout)))
        var networks: [Sequential] = []
        var losses: [[Double]] = []
        for member in 0..<ensembleSize {
            let network = Architectures.mlp(inputs: width, classes: 1, depth: 2, width: 128, activation: .relu, dropout: 0,
                                            seed: seed &+ UInt64(member))
            var configuration = TrainingConfiguration()
            configuration.epochs = epochs
            configuration.batchSize = 64
            configuration.learningRate = 1e-3
            configuration.weightDecay = 1e-4
            configuration.optimizer = .adamw
            configuration.seed = seed &+ UInt64(member)
            let reports = try Trainer.fit(network, train: data, validation: validation, configuration: configuration)
            losses.append(reports.map(\.trainLoss))
            networks.append(network)
        }
        self.networks = networks
        trainingLosses = (0..<losses[0].count).map { epoch in losses.reduce(0) { $0 + $1[epoch] } / Double(losses.count) }
    }

    /// Predicted normalised scores (higher is better) of `configurations` on a task with these
    /// meta-features.
    public func predict(metaFeatures: MetaFeatures?, configurations: [[String: ParamValue]]) -> [Double] {
        guard !configurations.isEmpty else { return [] }
        let meta = Self.standardized(metaFeatures, over: taskFeatures)
        var inputs: [Float] = []
        for params in configurations { inputs += (meta + Self.encode(params, space: space)).map(Float.init) }
        let width = MetaFeatures.names.count + Self.encodedWidth(space)
        lock.lock()
        defer { lock.unlock() }
        var context = ForwardContext(training: false)
        var sum = [Double](repeating: 0, count: configurations.count)
        for network in networks {
            let output = network.forward(Tensor(shape: [configurations.count, width], data: inputs), &context)
            for i in sum.indices { sum[i] += Double(output.data[i]) }
        }
        return sum.map { $0 / Double(networks.count) }
    }

    /// Standardised meta-features, or zeros (the mean) when unknown.
    private static func standardized(_ metaFeatures: MetaFeatures?, over taskFeatures: NearestTasks) -> [Double] {
        metaFeatures.map { taskFeatures.standardized($0) } ?? [Double](repeating: 0, count: MetaFeatures.names.count)
    }

    /// The numeric parameters' unit-cube coordinates and the categoricals one-hot, in the space's
    /// order, past values fitted into the space first (zeros for an absent parameter).
    static func encode(_ params: [String: ParamValue], space: SearchSpace) -> [Double] {
        let params = PastTaskScores.fitted(params, space: space)
        var x: [Double] = []
        for spec in space.parameters {
            let raw = params[spec.name].flatMap { spec.distribution.internalValue(of: $0) }
            if case .categorical(let d) = spec.distribution {
                x += (0..<d.choices.count).map { raw.map(Int.init) == $0 ? 1 : 0 }
            } else {
                x.append(raw.map { spec.distribution.unit(ofInternal: $0) } ?? 0)
            }
        }
        return x
    }

    static func encodedWidth(_ space: SearchSpace) -> Int {
        space.parameters.reduce(0) { total, spec in
            if case .categorical(let d) = spec.distribution { return total + d.choices.count }
            return total + 1
        }
    }

    /// Φ⁻¹((rank + ½)/n) of each value (ties share their mean rank).
    static func normalScoresOfRanks(_ values: [Double]) -> [Double] {
        Statistics.averageRanks(values).map { Normal.quantile(($0 + 0.5) / Double(values.count)) }
    }

    /// The mapping's favourite configurations for a task: the `count` best predicted among the
    /// past tasks' configurations and `randomCandidates` seeded random draws from the space.
    public func favourites(for metaFeatures: MetaFeatures?, knowledge: KnowledgeBase, count: Int, seed: UInt64,
                           randomCandidates: Int = 500) -> [(params: [String: ParamValue], origin: String)] {
        var candidates: [[String: ParamValue]] = []
        var seen = Set<[String: ParamValue]>()
        for task in knowledge.tasks {
            for trial in task.trials where seen.insert(trial.params).inserted { candidates.append(trial.params) }
        }
        for index in 0..<randomCandidates {
            let params = PoolConfigurations.configuration(index, space: space, seed: seed ^ 0x6661_766F)
            if seen.insert(params).inserted { candidates.append(params) }
        }
        let predictions = predict(metaFeatures: metaFeatures, configurations: candidates)
        return candidates.indices.sorted { predictions[$0] > predictions[$1] }.prefix(count).enumerated().map { rank, index in
            (candidates[index], String(format: "mapping: predicted #%d (normalised score %.2f)", rank + 1, predictions[index]))
        }
    }
}
