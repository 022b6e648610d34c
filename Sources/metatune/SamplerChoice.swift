import MetaLearning
import MetaTune

/// The sampler `tune` and `run` ask, from `--sampler`, `--scheduler` and `--meta`.
///
/// Without meta-learning it is `--sampler`, or BOHB's model under `--scheduler bohb`. With
/// `--meta` the first configurations come from past tasks and then a base sampler takes over:
/// the GP without a scheduler; under a scheduler that scheduler's own sampler (`--sampler`, or
/// BOHB's model), because the GP learns from complete trials only and a scheduler stops most
/// trials early.
struct SamplerChoice {
    var sampler: String
    var schedule: SchedulerOptions
    /// The scheduler's maximum resource (`--epochs` or `--max-resource`).
    var maxResource: Int
    var meta: MetaMethod
    var seed: UInt64
    /// How this run trains and scores (`tune`'s `--epochs` and `--metric`): collected knowledge
    /// whose learning curves reach that far is scored again so; nil for `run`.
    var training: PastTask.CollectionSettings? = nil

    /// The sampler; `knowledge` (the past tasks `query` selects) is asked only when meta-learning
    /// needs it. Says what it learns from and where the first configurations come from on standard
    /// error unless `quiet`.
    func make(space: SearchSpace, metaFeatures: MetaFeatures?, query: KnowledgeQuery, quiet: Bool,
              knowledge: () throws -> KnowledgeBase) throws -> Sampler {
        guard meta != .none else { return try ownSampler(space: space).sampler }
        var past = try knowledge()
        var rescored = 0
        if let training { (past, rescored) = past.rescored(for: training) }
        let base = schedule.isEnabled ? try ownSampler(space: space) : nil
        let chosen = try meta.sampler(knowledge: past, metaFeatures: metaFeatures, space: space, seed: seed, base: base?.sampler)
        if !quiet {
            let handOver = base.map { "\($0.name) on this task's trials (\(schedule.scheduler) learns from stopped trials too)" }
                ?? "Gaussian-process BO on this task's trials"
            MetaSetup.describe(method: meta, sampler: chosen, knowledge: past, query: query, hasMetaFeatures: metaFeatures != nil,
                               rescored: rescored, handOver: handOver, training: training)
        }
        return chosen
    }

    /// The sampler without meta-learning, and how progress output names it.
    private func ownSampler(space: SearchSpace) throws -> (sampler: Sampler, name: String) {
        if schedule.scheduler == "bohb" {
            return (BudgetModelSampler(resources: try schedule.rungResources(maxResource: maxResource), seed: seed), "BOHB's model")
        }
        return (try SamplerCatalog.make(sampler, seed: seed, space: space), "the \(sampler) sampler")
    }
}
