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

    /// Prints, on standard error, where the first trials' configurations come from and what
    /// takes over after them (`handOver`).
    static func describe(method: MetaMethod, sampler: Sampler, tasks: Int,
                         handOver: String = "Gaussian-process BO on this task's trials") {
        var text = "meta \(method.rawValue): learning from \(tasks) past task\(tasks == 1 ? "" : "s")"
        if let warm = sampler as? WarmStartSampler {
            text += "; the first \(warm.initial.count) trials come from:\n"
            for (index, entry) in warm.initial.enumerated() { text += "  trial \(index): \(entry.origin)\n" }
            text += "  then: \(handOver)"
        } else if method == .rgpe {
            text += "; every trial: RGPE ensemble of the past tasks' GPs and this task's GP"
        }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
