import Foundation
import MetaTune
import MetaTuneTasks
import Neural

/// Cold start against meta-learning on one data set, side by side (`metatune meta compare`): the
/// built-in MLP trained with the same epochs, seed and data split under a cold-start GP and under
/// a meta-learning method, scored by the best validation accuracy of any epoch (as the shipped
/// knowledge base is), one trial of each per round.
public struct MetaComparison {
    public let task: BuiltinTask
    public let method: MetaMethod
    /// What the method learns from and where its first trials come from, for people.
    public let explanation: String
    private var run: SideBySideRun
    private let space: SearchSpace

    /// Loads `data` and the knowledge (`sources`, by default the shipped knowledge base; never
    /// the task itself nor the `excluded` tasks) and builds both samplers.
    public init(data: DataSource, method: MetaMethod, epochs: Int, knowledge sources: [KnowledgeSource] = [],
                excluded: [String] = [], seed: UInt64 = 0) throws {
        guard method != .none else { throw StudyError.invalidArgument("a comparison needs a meta-learning method, not none") }
        let dataSet = try data.load()
        task = try BuiltinTask(name: data.name, data: dataSet, model: .mlp, epochs: epochs, metric: .bestAccuracy, seed: seed)
        space = BuiltinModel.mlp.defaultSpace
        let objective = ObjectiveSignature(metric: TaskMetric.bestAccuracy.rawValue, model: BuiltinModel.mlp.rawValue, epochs: epochs)
        let query = KnowledgeQuery(space: space, objective: objective, excluded: Set([data.name] + excluded))
        let training = PastTask.CollectionSettings(epochs: epochs, metric: TaskMetric.bestAccuracy.rawValue)
        let policy = SamplerPolicy(meta: method, seed: seed, training: training)
        let metaFeatures = try MetaFeatures.compute(dataSet, seed: seed)
        let choice = try policy.make(space: space, metaFeatures: metaFeatures) {
            try KnowledgeSource.knowledge(from: sources.isEmpty ? [.builtin] : sources, storage: nil, query: query, model: .mlp)
        }
        explanation = MetaChoiceExplanation(method: method, choice: choice, query: query, hasMetaFeatures: true, training: training).text
        self.method = method
        run = try SideBySideRun(samplers: [("cold", GPSampler(seed: seed, space: space)), ("meta", choice.sampler)],
                                space: space, direction: .maximize)
    }

    /// Trains one trial under each sampler; returns the best validation accuracy so far of the
    /// cold start and of the method (nil before their first complete trial).
    public mutating func round() throws -> (cold: Double?, meta: Double?) {
        let bests = try run.round { [task, space] trial in try task.evaluate(trial, space: space) }
        return (bests[0], bests[1])
    }

    /// The first round at which each came within `PoolBenchmark.targetGap` of the better final
    /// result (nil: never).
    public var roundsToTarget: (cold: Int?, meta: Int?) {
        let reach = run.roundsToTarget(gap: PoolBenchmark.targetGap)
        return (reach[0], reach[1])
    }
}
