import Foundation
import MetaTune

/// The past tasks most similar to a new one: Euclidean distance between meta-feature vectors,
/// each meta-feature standardised over the knowledge base's tasks that have them (so that no
/// single scale dominates; constant meta-features are ignored). Tasks without meta-features are
/// never among the nearest.
public struct NearestTasks {
    public let knowledge: KnowledgeBase
    private let means: [Double]
    private let deviations: [Double]

    public init(knowledge: KnowledgeBase) {
        self.knowledge = knowledge
        let vectors = knowledge.tasks.compactMap { $0.metaFeatures?.vector }
        let count = Double(max(vectors.count, 1))
        let dimension = MetaFeatures.names.count
        var means = [Double](repeating: 0, count: dimension), deviations = [Double](repeating: 0, count: dimension)
        for v in vectors { for j in 0..<dimension { means[j] += v[j] / count } }
        for v in vectors { for j in 0..<dimension { deviations[j] += (v[j] - means[j]) * (v[j] - means[j]) / count } }
        self.means = means
        self.deviations = deviations.map { $0.squareRoot() }
    }

    /// The meta-features standardised over the knowledge base and clipped to ±3 (heavy-tailed
    /// ones such as kurtosis would otherwise dominate); 0 where they do not vary.
    public func standardized(_ features: MetaFeatures) -> [Double] {
        let v = features.vector
        return (0..<v.count).map { deviations[$0] > 1e-12 ? min(max((v[$0] - means[$0]) / deviations[$0], -3), 3) : 0 }
    }

    /// The `k` nearest past tasks, nearest first, with their distances.
    public func nearest(to features: MetaFeatures, k: Int) -> [(task: PastTask, distance: Double)] {
        let target = standardized(features)
        var scored: [(task: PastTask, distance: Double)] = []
        for task in knowledge.tasks {
            guard let features = task.metaFeatures else { continue }
            let v = standardized(features)
            var sum = 0.0
            for j in 0..<v.count { sum += (v[j] - target[j]) * (v[j] - target[j]) }
            scored.append((task, sum.squareRoot()))
        }
        scored.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.task.name < $1.task.name) }
        return Array(scored.prefix(k))
    }

    /// kNN warm start: the best configuration of each of the `k` nearest tasks, nearest first,
    /// then their second best, and so on, without repeats, until `count` configurations.
    public func warmStart(for features: MetaFeatures, k: Int, count: Int) -> [(params: [String: ParamValue], origin: String)] {
        let neighbours = nearest(to: features, k: k).map { neighbour in
            (neighbour.task.name, neighbour.task.trials.sorted { $0.score > $1.score })
        }
        var chosen: [(params: [String: ParamValue], origin: String)] = []
        var rank = 0
        while chosen.count < count, neighbours.contains(where: { rank < $0.1.count }) {
            for (name, ranked) in neighbours where rank < ranked.count && chosen.count < count {
                let params = ranked[rank].params
                if !chosen.contains(where: { $0.params == params }) {
                    chosen.append((params, "knn: #\(rank + 1) of similar task \(name)"))
                }
            }
            rank += 1
        }
        return chosen
    }
}
