import Foundation
import MetaLearning
import MetaTune
import MetaTuneTasks

/// What `tune --meta` and `run --meta` share: finding the knowledge base and saying where the
/// first trials come from.
enum MetaSetup {
    /// The knowledge base `--knowledge SOURCE` names; by default the studies of `storage` that
    /// recorded meta-features plus the knowledge base shipped with MetaTune.
    static func knowledge(_ source: String?, storage: Storage, space: SearchSpace, model: BuiltinModel) throws -> KnowledgeBase {
        if let source { return try KnowledgeSource.load(source, model: model) }
        let own = try KnowledgeBase.load(from: storage, space: space)
        let shipped = (try? KnowledgeBaseFile.builtin(model: model.rawValue)) ?? KnowledgeBase(tasks: [])
        return own.merged(with: shipped)
    }

    /// Prints, on standard error, what the knowledge is (`rescored`: how many of its tasks were
    /// scored again from their learning curves), where the first trials' configurations come from
    /// and what takes over after them (`handOver`). Given how this run trains and scores
    /// (`training`), it notes when no past task was collected or rescored that way.
    static func describe(method: MetaMethod, sampler: Sampler, knowledge: KnowledgeBase, rescored: Int = 0,
                         handOver: String = "Gaussian-process BO on this task's trials", training: PastTask.CollectionSettings? = nil) {
        let tasks = knowledge.tasks.count
        let collections = Set(knowledge.tasks.compactMap(\.collection))
        var text = "meta \(method.rawValue): learning from \(tasks) past task\(tasks == 1 ? "" : "s")"
        if !collections.isEmpty {
            let ways = collections.sorted { ($0.epochs, $0.metric) < ($1.epochs, $1.metric) }
            text += " (scored at " + ways.map { "\($0.epochs) epochs by \($0.metric)" }.joined(separator: "; ")
                + (rescored > 0 ? ": \(rescored) rescored from their learning curves" : "") + ")"
        }
        if let warm = sampler as? WarmStartSampler {
            text += "; the first \(warm.initial.count) trials come from:\n"
            for (index, entry) in warm.initial.enumerated() { text += "  trial \(index): \(entry.origin)\n" }
            text += "  then: \(handOver)"
        } else if method == .rgpe {
            text += "; every trial: RGPE ensemble of the past tasks' GPs and this task's GP"
        }
        let collectable = [TaskMetric.accuracy.rawValue, TaskMetric.bestAccuracy.rawValue]
        if let training, !collections.isEmpty, !collections.contains(training), collectable.contains(training.metric) {
            text += "\n  note: this run trains \(training.epochs) epochs scored by \(training.metric), so rankings may transfer less well;"
                + " knowledge collected the same way: metatune meta collect --epochs \(training.epochs) --metric \(training.metric), then --knowledge"
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
