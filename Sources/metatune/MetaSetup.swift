import Foundation
import MetaLearning
import MetaTune
import MetaTuneTasks

/// What `tune --meta`, `run --meta` and `meta compare` share: finding the knowledge and saying
/// what it learns from and where the first trials come from.
enum MetaSetup {
    /// The sampler `policy` chooses for a study of `query.space`, learning from the knowledge
    /// `sources` name (`KnowledgeSource.knowledge(from:storage:query:model:)`); unless `quiet`,
    /// says what it learns from and where the first trials come from.
    static func sampler(_ policy: SamplerPolicy, metaFeatures: MetaFeatures?, query: KnowledgeQuery, sources: [String],
                        storage: Storage?, model: BuiltinModel?, quiet: Bool) throws -> Sampler {
        let choice = try policy.make(space: query.space, metaFeatures: metaFeatures) {
            try KnowledgeSource.knowledge(from: try sources.map(KnowledgeSource.init), storage: storage, query: query, model: model)
        }
        if policy.meta != .none && !quiet {
            describe(method: policy.meta, sampler: choice.sampler, knowledge: choice.knowledge, query: query,
                     hasMetaFeatures: metaFeatures != nil, rescored: choice.rescored, handOver: choice.handOver,
                     training: policy.training)
        }
        return choice.sampler
    }

    /// Checks `policy` (a method that cannot steer the scheduler), said in terms of the options.
    static func validate(_ policy: SamplerPolicy) throws {
        do {
            try policy.validate()
        } catch SamplerPolicy.Refusal.methodCannotSteerScheduler(let method, let scheduler) {
            let usable = SamplerPolicy.methodsThatSteerSchedulers.map(\.rawValue)
            throw UsageError("--meta \(method.rawValue) models complete trials only and cannot steer --scheduler \(scheduler.rawValue): use \(usable.dropLast().joined(separator: ", ")) or \(usable.last ?? "")")
        }
    }

    /// Prints, on standard error, which past tasks the knowledge holds and why (`query`: what they
    /// share with this study; `rescored`: how many were scored again from their learning curves),
    /// which were left out and why, where the first trials' configurations come from and what takes
    /// over after them (`handOver`). Given how this run trains and scores (`training`), it notes
    /// when no past task was collected or rescored that way.
    static func describe(method: MetaMethod, sampler: Sampler, knowledge: KnowledgeBase, query: KnowledgeQuery,
                         hasMetaFeatures: Bool, rescored: Int = 0, handOver: String = "Gaussian-process BO on this task's trials",
                         training: PastTask.CollectionSettings? = nil) {
        let tasks = knowledge.tasks
        let collections = Set(tasks.compactMap(\.collection))
        var text = "meta \(method.rawValue): learning from \(tasks.count) past task\(tasks.count == 1 ? "" : "s")"
        if !tasks.isEmpty {
            text += " " + Self.names(tasks.map(\.name))
            let shared = Set(tasks.flatMap { query.sharedParameters(of: $0) })
            let names = query.space.parameters.map(\.name).filter(shared.contains)
            text += ", sharing \(names.count) of \(query.space.parameters.count) parameters (\(names.joined(separator: ", ")))"
            if let objective = query.objective { text += " and measuring \(objective.summary)" }
            let described = tasks.filter { $0.metaFeatures != nil }.count
            text += hasMetaFeatures && described > 0
                ? "; \(described) with meta-features"
                : "; no meta-features \(hasMetaFeatures ? "on the past tasks" : "for this task"): similarity comes from how past tasks rank this task's trials"
        }
        if !collections.isEmpty {
            let ways = collections.sorted { ($0.epochs, $0.metric) < ($1.epochs, $1.metric) }
            text += " (scored at " + ways.map { "\($0.epochs) epochs by \($0.metric)" }.joined(separator: "; ")
                + (rescored > 0 ? ": \(rescored) rescored from their learning curves" : "") + ")"
        }
        for reason in knowledge.leftOut { text += "\n  left out: \(reason)" }
        if let warm = sampler as? WarmStartSampler {
            text += "\n  the first \(warm.initial.count) trials come from:\n"
            for (index, entry) in warm.initial.enumerated() { text += "  trial \(index): \(entry.origin)\n" }
            text += "  then: \(handOver)"
        } else if let transfer = sampler as? TransferSampler {
            text += "\n  the first \(transfer.count) trials: the best-ranked past configuration not yet tried, the past tasks weighted "
                + "\(transfer.weighting)" + (transfer.weighting.observationStrength > 0 ? ", weighed again after every trial" : "")
            let ranked = transfer.ranking.scores.tasks.count
            if ranked < tasks.count {
                text += "; ranked from \(ranked) of the \(tasks.count) past tasks ("
                    + (hasMetaFeatures && tasks.contains { $0.metaFeatures != nil } ? "the nearest by meta-features)" : "a seeded sample)")
            }
            if let first = transfer.firstPick { text += "\n  trial 0: \(first.origin)" }
            text += "\n  then: \(handOver)"
        } else if method == .rgpe {
            text += "\n  every trial: RGPE ensemble of the past tasks' GPs and this task's GP"
        } else if tasks.isEmpty {
            text += "\n  nothing to learn from: \(handOver) from the start"
        }
        let collectable = [TaskMetric.accuracy.rawValue, TaskMetric.bestAccuracy.rawValue]
        if let training, !collections.isEmpty, !collections.contains(training), collectable.contains(training.metric) {
            text += "\n  note: this run trains \(training.epochs) epochs scored by \(training.metric), so rankings may transfer less well;"
                + " knowledge collected the same way: metatune meta collect --epochs \(training.epochs) --metric \(training.metric), then --knowledge"
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// "(a, b, c)" or "(a, b, c, … 37 more)".
    private static func names(_ names: [String]) -> String {
        "(" + names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", … \(names.count - 3) more" : "") + ")"
    }
}
