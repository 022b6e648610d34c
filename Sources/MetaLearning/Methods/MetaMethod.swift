import Foundation
import MetaTune

/// The meta-learning methods, by the names `--meta` takes. Each is a sampler that wraps a base
/// sampler (the GP by default): it proposes the first configurations from what past tasks
/// taught, and the base sampler continues from there with those trials in its history.
public enum MetaMethod: String, CaseIterable, Sendable {
    /// No meta-learning: the base sampler alone.
    case none
    /// The best configurations of the most similar past tasks (auto-sklearn's warm start).
    case knn
    /// A greedy portfolio that does well across all past tasks (zero-shot).
    case portfolio
    /// A neural network trained on every past trial predicts the new task's best configurations,
    /// then serves as the prior mean of the GP, which learns the new task's residuals.
    case mapping
    /// Transfer BO: a ranking-weighted ensemble of one GP per past task and the new task's GP.
    case rgpe
    /// MetaTune's recommendation: the 10 configurations that score best on past tasks on average,
    /// similar tasks weighted up (`SimilarityRanking`, with the bandwidth that served the
    /// knowledge base's own tasks best), then GP.
    case auto

    /// How many configurations a warm start proposes before the base sampler takes over.
    public static let defaultWarmStartCount = 5
    /// How many nearest tasks kNN draws on.
    public static let defaultNeighbours = 5

    /// The sampler for this method on a new task with `metaFeatures` (nil when unknown, e.g. an
    /// external command: kNN then falls back to the portfolio).
    ///
    /// `mapping` trains a `PerformanceMapping` unless a trained one is given; `rgpe` fits the past
    /// tasks' GPs unless `taskModels` already holds them; `auto` chooses its bandwidth unless
    /// given one (`SimilarityRanking.chooseBandwidth` of the same knowledge).
    ///
    /// `base` replaces the GP the warm start hands over to (`none` returns it alone); a scheduler
    /// passes its own sampler, because the GP learns from complete trials only and a scheduler
    /// stops most trials early. `rgpe` has no warm start and takes no base.
    public func sampler(knowledge: KnowledgeBase, metaFeatures: MetaFeatures?, space: SearchSpace, seed: UInt64,
                        warmStartCount: Int = MetaMethod.defaultWarmStartCount, mapping: PerformanceMapping? = nil,
                        taskModels: TaskModels? = nil, bandwidth: Double? = nil, base: Sampler? = nil) throws -> Sampler {
        let initial: [(params: [String: ParamValue], origin: String)]
        var mappingInUse: PerformanceMapping?
        switch self {
        case .none:
            return base ?? GPSampler(seed: seed, space: space)
        case .rgpe:
            if base != nil { throw StudyError.invalidArgument("--meta rgpe is its own model of complete trials and cannot hand over to another sampler") }
            guard !knowledge.tasks.isEmpty else { return GPSampler(seed: seed, space: space) }
            return RGPESampler(knowledge: knowledge, space: space, seed: seed, models: taskModels)
        case .knn:
            if let metaFeatures, !knowledge.tasks.isEmpty {
                initial = NearestTasks(knowledge: knowledge).warmStart(for: metaFeatures, k: Self.defaultNeighbours, count: warmStartCount)
            } else {
                initial = GreedyPortfolio.build(from: knowledge, size: warmStartCount)
            }
        case .portfolio:
            initial = GreedyPortfolio.build(from: knowledge, size: warmStartCount)
        case .mapping:
            if let metaFeatures, !knowledge.tasks.isEmpty {
                let trained = try mapping ?? PerformanceMapping(knowledge: knowledge, space: space, seed: seed)
                initial = trained.favourites(for: metaFeatures, knowledge: knowledge, count: warmStartCount, seed: seed)
                mappingInUse = trained
            } else {
                initial = GreedyPortfolio.build(from: knowledge, size: warmStartCount)
            }
        case .auto:
            initial = SimilarityRanking.build(from: knowledge, metaFeatures: metaFeatures, count: 2 * warmStartCount,
                                              bandwidth: bandwidth ?? SimilarityRanking.chooseBandwidth(for: knowledge))
        }
        if let base { return WarmStartSampler(initial: initial, base: base, space: space) }
        var options = GPSampler.Options()
        options.startupTrials = max(initial.count, 2)
        if self == .mapping, let metaFeatures, let trained = mappingInUse {
            // The mapping stays on as the GP's prior mean; the GP learns this task's residuals.
            options.priorMean = { trained.predict(metaFeatures: metaFeatures, configurations: $0) }
        }
        let base = GPSampler(seed: seed, options: options, space: space)
        return WarmStartSampler(initial: initial, base: base, space: space)
    }
}
