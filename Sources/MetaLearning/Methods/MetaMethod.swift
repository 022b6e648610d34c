import Foundation
import MetaTune

/// The meta-learning methods, by the names `--meta` takes. Each is a sampler that wraps a base
/// sampler (the GP by default): it proposes the first configurations from what past tasks
/// taught, and the base sampler continues from there with those trials in its history. Every
/// method works from any past studies whose spaces share parameters with the new one, with or
/// without meta-features.
public enum MetaMethod: String, CaseIterable, Sendable {
    /// No meta-learning: the base sampler alone.
    case none
    /// The best configurations of the most similar past tasks (auto-sklearn's warm start): nearest
    /// by meta-features when the new task has them, else the past tasks that rank the new task's
    /// trials best so far.
    case knn
    /// A greedy portfolio that does well across all past tasks (zero-shot).
    case portfolio
    /// A neural network trained on every past trial predicts the new task's best configurations,
    /// then serves as the prior mean of the GP, which learns the new task's residuals.
    case mapping
    /// Transfer BO: a ranking-weighted ensemble of one GP per past task and the new task's GP.
    case rgpe
    /// MetaTune's recommendation: 10 configurations ranked by their mean score on past tasks, the
    /// tasks weighted by meta-features and/or by how well they rank the new task's trials, as an
    /// inner leave-one-out on the knowledge chose (`AutoSelection`), then GP.
    case auto

    /// How many configurations a warm start proposes before the base sampler takes over.
    public static let defaultWarmStartCount = 5
    /// How many nearest tasks kNN draws on.
    public static let defaultNeighbours = 5
    /// The most past tasks the transfer ranking (auto, and knn and portfolio without a pool or
    /// meta-features) ranks from (`KnowledgeBase.limited`): its inner leave-one-out grows with the
    /// square of the number of tasks.
    public static let rankingTaskLimit = 100

    /// The sampler for this method on a new task with `metaFeatures` (nil when unknown, e.g. an
    /// external command's task).
    ///
    /// `mapping` trains a `PerformanceMapping` unless a trained one is given; `rgpe` fits the past
    /// tasks' GPs unless `taskModels` already holds them; `auto` builds its `TransferRanking` and
    /// chooses its weighting unless given them (e.g. shared by the seeds of a benchmark).
    ///
    /// `base` replaces the GP the warm start hands over to (`none` returns it alone); a scheduler
    /// passes its own sampler, because the GP learns from complete trials only and a scheduler
    /// stops most trials early. `rgpe` has no warm start and takes no base.
    public func sampler(knowledge: KnowledgeBase, metaFeatures: MetaFeatures?, space: SearchSpace, seed: UInt64,
                        warmStartCount: Int = MetaMethod.defaultWarmStartCount, mapping: PerformanceMapping? = nil,
                        taskModels: TaskModels? = nil, ranking: TransferRanking? = nil, autoWeighting: TaskWeighting? = nil,
                        base: Sampler? = nil) throws -> Sampler {
        var options = GPSampler.Options()
        func handOver(startup: Int) -> Sampler {
            if let base { return base }
            options.startupTrials = max(startup, 2)
            return GPSampler(seed: seed, options: options, space: space)
        }
        func transfer(_ weighting: TaskWeighting, count: Int) -> Sampler {
            TransferSampler(ranking: ranking ?? TransferRanking(knowledge: knowledge.limited(to: Self.rankingTaskLimit, near: metaFeatures),
                                                                space: space), weighting: weighting,
                            metaFeatures: metaFeatures, count: count, base: handOver(startup: count))
        }
        let described = knowledge.tasks.contains { $0.metaFeatures != nil }
        let initial: [(params: [String: ParamValue], origin: String)]
        if self == .rgpe, base != nil {
            throw StudyError.invalidArgument("meta-learning method rgpe is its own model of complete trials and cannot hand over to another sampler")
        }
        switch self {
        case _ where knowledge.tasks.isEmpty, .none:
            return base ?? GPSampler(seed: seed, space: space)
        case .rgpe:
            return RGPESampler(knowledge: knowledge, space: space, seed: seed, models: taskModels)
        case .knn:
            guard let metaFeatures, described else {
                return transfer(TaskWeighting(observationStrength: 1, topK: Self.defaultNeighbours), count: warmStartCount)
            }
            initial = NearestTasks(knowledge: knowledge).warmStart(for: metaFeatures, k: Self.defaultNeighbours, count: warmStartCount)
        case .portfolio:
            guard !knowledge.pooledConfigurationKeys().isEmpty else { return transfer(TaskWeighting(), count: warmStartCount) }
            initial = GreedyPortfolio.build(from: knowledge, size: warmStartCount)
        case .mapping:
            let trained = try mapping ?? PerformanceMapping(knowledge: knowledge, space: space, seed: seed)
            initial = trained.favourites(for: metaFeatures, knowledge: knowledge, count: warmStartCount, seed: seed)
            if base == nil {
                // The mapping stays on as the GP's prior mean; the GP learns this task's residuals.
                options.priorMean = { trained.predict(metaFeatures: metaFeatures, configurations: $0) }
            }
        case .auto:
            let ranking = ranking ?? TransferRanking(knowledge: knowledge.limited(to: Self.rankingTaskLimit, near: metaFeatures), space: space)
            let weighting = autoWeighting ?? AutoSelection.choose(ranking: ranking, metaFeaturesAvailable: metaFeatures != nil && described)
            return TransferSampler(ranking: ranking, weighting: weighting, metaFeatures: metaFeatures, count: 2 * warmStartCount,
                                   base: handOver(startup: 2 * warmStartCount))
        }
        return WarmStartSampler(initial: initial, base: handOver(startup: initial.count), space: space)
    }
}
