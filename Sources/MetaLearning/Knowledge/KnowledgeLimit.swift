import Foundation
import MetaTune
import MetaTuneNumerics

extension KnowledgeBase {
    /// At most `count` tasks, so that methods whose cost grows with the square of the number of
    /// tasks stay fast on a large knowledge base: all of them when there are no more; else, when
    /// the new task's meta-features are known, the `count` nearest tasks by meta-features (tasks
    /// without them last), otherwise a seeded sample. The order of the kept tasks is unchanged.
    public func limited(to count: Int, near metaFeatures: MetaFeatures?) -> KnowledgeBase {
        guard tasks.count > count else { return self }
        var kept: Set<Int>
        if let metaFeatures, tasks.contains(where: { $0.metaFeatures != nil }) {
            let nearest = NearestTasks(knowledge: self).nearest(to: metaFeatures, k: count).map(\.task.name)
            kept = Set(tasks.indices.filter { nearest.contains(tasks[$0].name) })
            for index in tasks.indices where kept.count < count && !kept.contains(index) { kept.insert(index) }
        } else {
            var generator = SplitMix64(state: stableHash("knowledge-limit"))
            kept = Set(generator.permutation(tasks.count).prefix(count))
        }
        return KnowledgeBase(tasks: tasks.indices.filter(kept.contains).map { tasks[$0] }, leftOut: leftOut)
    }
}
