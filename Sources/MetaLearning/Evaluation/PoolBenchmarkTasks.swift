import Foundation
import MetaTune
import MetaTuneTasks

/// The target tasks of a pool benchmark and what the meta-learning methods may learn from for
/// each: from one source the targets and from another the knowledge, or leave-one-out over one
/// source (every task in turn the target, the others the knowledge). Only tasks that share
/// parameters with the space are kept; with `scoring`, every task is scored again from its
/// learning curves; name lists keep only the tasks they list (a frozen design/evaluation split).
public struct PoolBenchmarkTasks: Sendable {
    /// Where the tasks come from.
    public enum Sources: Sendable, Equatable {
        case split(knowledge: KnowledgeSource, targets: KnowledgeSource)
        case leaveOneOut(KnowledgeSource)
    }

    /// The targets whose pools hold more configurations than the budget.
    public let targets: [PastTask]
    /// The targets left out, each with its number of distinct configurations (no more than the budget).
    public let skipped: [(name: String, configurations: Int)]
    /// What the meta methods may learn from for a target: never the target itself.
    public let knowledge: @Sendable (PastTask) -> KnowledgeBase

    public init(sources: Sources, space: SearchSpace, model: BuiltinModel, budget: Int,
                scoring: PastTask.CollectionSettings? = nil, knowledgeNames: Set<String>? = nil,
                targetNames: Set<String>? = nil) throws {
        /// The source's tasks that share parameters with the space, scored again as `scoring` says.
        func load(_ source: KnowledgeSource) throws -> KnowledgeBase {
            let knowledge = try source.load(model: model).selected(for: KnowledgeQuery(space: space))
            return scoring.map { knowledge.rescored(for: $0).knowledge } ?? knowledge
        }
        /// Only the tasks `names` lists, when given.
        func keep(_ knowledge: KnowledgeBase, _ names: Set<String>?) -> KnowledgeBase {
            guard let names else { return knowledge }
            return KnowledgeBase(tasks: knowledge.tasks.filter { names.contains($0.name) })
        }
        let past: KnowledgeBase
        let candidates: [PastTask]
        switch sources {
        case .leaveOneOut(let source):
            let all = try load(source)
            past = keep(all, knowledgeNames)
            candidates = keep(all, targetNames).tasks
        case .split(let knowledgeSource, let targetSource):
            past = keep(try load(knowledgeSource), knowledgeNames)
            candidates = keep(try load(targetSource), targetNames).tasks
        }
        let sizes = candidates.map { Set($0.trials.map(\.params)).count }
        targets = zip(candidates, sizes).filter { $0.1 > budget }.map(\.0)
        skipped = zip(candidates, sizes).filter { $0.1 <= budget }.map { ($0.0.name, $0.1) }
        knowledge = { past.excluding($0.name) }
    }
}
