import Foundation
import MetaTune
import Neural
import MetaTuneNumerics

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
    /// two hidden layers of 128 units, differing in their seeds, whose predictions are averaged.
    /// Every other member sees no meta-features; the rest see six robust ones (`inputFeatures`).
    /// Chosen on the design half of the task pool (BENCHMARKS.md): five members seeing all 24
    /// meta-features ranked held-out tasks' pools at a median Spearman of 0.53, members blind to
    /// them 0.61 but with worse first picks, this mix 0.61 (earlier, on the whole pool at 8
    /// epochs, five 128-unit networks had beaten one 64-unit network, 0.71 against 0.57).
    public init(knowledge: KnowledgeBase, space: SearchSpace, seed: UInt64 = 0, epochs: Int = 60, ensembleSize: Int = 6) throws {
        guard !knowledge.tasks.isEmpty else { throw StudyError.invalidArgument("the learned mapping needs a knowledge base with tasks") }
        self.space = space
        taskFeatures = NearestTasks(knowledge: knowledge)
        var inputs: [Float] = [], blindInputs: [Float] = [], targets: [Float] = []
        for task in knowledge.tasks {
            let meta = Self.standardized(task.metaFeatures, over: taskFeatures)
            let normalised = Self.normalScoresOfRanks(task.trials.map(\.score))
            for (trial, target) in zip(task.trials, normalised) {
                Self.appendRows(meta: meta, params: trial.params, space: space, aware: &inputs, blind: &blindInputs)
                targets.append(Float(target))
            }
        }
        let width = MetaFeatures.names.count + Self.encodedWidth(space)
        // A seeded tenth of the rows is held out, to watch the fit (not for early stopping).
        var generator = SplitMix64(state: seed ^ 0x6D61_7070)
        let order = generator.permutation(targets.count)
        let holdout = max(1, targets.count / 10)
        func split(_ features: [Float]) -> (train: Dataset, validation: Dataset) {
            let all = Dataset(features: features, targets: targets, featureCount: width)
            return (all.subset(Array(order.dropFirst(holdout))), all.subset(Array(order.prefix(holdout))))
        }
        let aware = split(inputs), blind = split(blindInputs)
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
            let (data, validation) = Self.isBlind(member) ? blind : aware
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
        var inputs: [Float] = [], blindInputs: [Float] = []
        for params in configurations { Self.appendRows(meta: meta, params: params, space: space, aware: &inputs, blind: &blindInputs) }
        let width = MetaFeatures.names.count + Self.encodedWidth(space)
        lock.lock()
        defer { lock.unlock() }
        var context = ForwardContext(training: false)
        var sum = [Double](repeating: 0, count: configurations.count)
        for (member, network) in networks.enumerated() {
            let input = Self.isBlind(member) ? blindInputs : inputs
            let output = network.forward(Tensor(shape: [configurations.count, width], data: input), &context)
            for i in sum.indices { sum[i] += Double(output.data[i]) }
        }
        return sum.map { $0 / Double(networks.count) }
    }

    /// Whether ensemble member `member` is one of the half that never sees meta-features (it learns
    /// the response surface all past tasks share, which ranks a new task's configurations more
    /// robustly than meta-features learned from a few dozen tasks).
    private static func isBlind(_ member: Int) -> Bool { member % 2 == 1 }

    /// One input row of a configuration for the members that see meta-features (`aware`) and for
    /// those blind to them (the meta-features at 0).
    private static func appendRows(meta: [Double], params: [String: ParamValue], space: SearchSpace,
                                   aware: inout [Float], blind: inout [Float]) {
        let encoded = encode(params, space: space).map(Float.init)
        aware += meta.map(Float.init) + encoded
        blind += [Float](repeating: 0, count: meta.count) + encoded
    }

    /// Standardised meta-features, or zeros (the mean) when unknown.
    private static func standardized(_ metaFeatures: MetaFeatures?, over taskFeatures: NearestTasks) -> [Double] {
        guard let metaFeatures else { return [Double](repeating: 0, count: MetaFeatures.names.count) }
        let values = taskFeatures.standardized(metaFeatures)
        return MetaFeatures.names.enumerated().map { inputFeatures.contains($0.element) ? values[$0.offset] : 0 }
    }

    /// The meta-features the mapping's inputs use: size, class balance and two landmarkers (with
    /// a few dozen past tasks, all 24 let the networks fit the tasks' quirks).
    static let inputFeatures: Set<String> = ["log_rows", "log_features", "log_classes", "class_entropy", "landmark_1nn", "landmark_linear"]

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
