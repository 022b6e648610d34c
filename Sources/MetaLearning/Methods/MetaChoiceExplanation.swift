import Foundation
import MetaTune
import MetaTuneTasks

/// Says, for people, what a meta-learning sampler learns from: which past tasks and what they
/// share with the new study, which were left out and why, where the first trials' configurations
/// come from and what takes over after them.
public struct MetaChoiceExplanation {
    public let method: MetaMethod
    public let choice: SamplerPolicy.Choice
    /// What the past tasks share with the new study.
    public let query: KnowledgeQuery
    /// Whether the new task has meta-features.
    public let hasMetaFeatures: Bool
    /// How the new study trains and scores: a note says when no past task was collected that way.
    public let training: PastTask.CollectionSettings?

    public init(method: MetaMethod, choice: SamplerPolicy.Choice, query: KnowledgeQuery, hasMetaFeatures: Bool,
                training: PastTask.CollectionSettings? = nil) {
        self.method = method
        self.choice = choice
        self.query = query
        self.hasMetaFeatures = hasMetaFeatures
        self.training = training
    }

    /// The explanation, over several lines.
    public var text: String {
        let tasks = choice.knowledge.tasks
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
                + (choice.rescored > 0 ? ": \(choice.rescored) rescored from their learning curves" : "") + ")"
        }
        for reason in choice.knowledge.leftOut { text += "\n  left out: \(reason)" }
        text += firstTrials(tasks: tasks)
        let collectable = [TaskMetric.accuracy.rawValue, TaskMetric.bestAccuracy.rawValue]
        if let training, !collections.isEmpty, !collections.contains(training), collectable.contains(training.metric) {
            text += "\n  note: this run trains \(training.epochs) epochs scored by \(training.metric), so rankings may transfer less well;"
                + " knowledge collected the same way: metatune meta collect --epochs \(training.epochs) --metric \(training.metric), then --knowledge"
        }
        return text
    }

    /// Where the first trials come from and what takes over.
    private func firstTrials(tasks: [PastTask]) -> String {
        if let warm = choice.sampler as? WarmStartSampler {
            var text = "\n  the first \(warm.initial.count) trials come from:\n"
            for (index, entry) in warm.initial.enumerated() { text += "  trial \(index): \(entry.origin)\n" }
            return text + "  then: \(choice.handOver)"
        }
        if let transfer = choice.sampler as? TransferSampler {
            var text = "\n  the first \(transfer.count) trials: the best-ranked past configuration not yet tried, the past tasks weighted "
                + "\(transfer.weighting)" + (transfer.weighting.observationStrength > 0 ? ", weighed again after every trial" : "")
            let ranked = transfer.ranking.scores.tasks.count
            if ranked < tasks.count {
                text += "; ranked from \(ranked) of the \(tasks.count) past tasks ("
                    + (hasMetaFeatures && tasks.contains { $0.metaFeatures != nil } ? "the nearest by meta-features)" : "a seeded sample)")
            }
            if let first = transfer.firstPick { text += "\n  trial 0: \(first.origin)" }
            return text + "\n  then: \(choice.handOver)"
        }
        if method == .rgpe { return "\n  every trial: RGPE ensemble of the past tasks' GPs and this task's GP" }
        if tasks.isEmpty { return "\n  nothing to learn from: \(choice.handOver) from the start" }
        return ""
    }

    /// "(a, b, c)" or "(a, b, c, … 37 more)".
    private static func names(_ names: [String]) -> String {
        "(" + names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", … \(names.count - 3) more" : "") + ")"
    }
}
