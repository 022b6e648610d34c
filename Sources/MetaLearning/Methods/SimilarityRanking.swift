import Foundation
import MetaTune

/// Ranks the past tasks' configurations for a new task by their mean normalised score over past
/// tasks, each task weighted by its similarity to the new one: w = exp(−(d/h)²), d the
/// standardised meta-feature distance (`NearestTasks`) and h the bandwidth. A task's scores are
/// normalised by rank (`PerformanceMapping.normalScoresOfRanks`), so every task counts alike.
///
/// This blends the portfolio's robustness (a configuration must do well on many tasks) with
/// kNN's specificity (similar tasks count more). Candidates are
/// `KnowledgeBase.sharedConfigurations`.
public enum SimilarityRanking {
    public static func build(from knowledge: KnowledgeBase, metaFeatures: MetaFeatures?, count: Int,
                             bandwidth: Double = 4) -> [(params: [String: ParamValue], origin: String)] {
        guard !knowledge.tasks.isEmpty else { return [] }
        let nearest = NearestTasks(knowledge: knowledge)
        let target = metaFeatures.map { nearest.standardized($0) }
        var weightedSum: [String: Double] = [:], weightTotal: [String: Double] = [:]
        for task in knowledge.tasks {
            var weight = 1.0
            if let target {
                let v = nearest.standardized(task.metaFeatures)
                var squared = 0.0
                for j in v.indices { squared += (v[j] - target[j]) * (v[j] - target[j]) }
                weight = exp(-squared / (bandwidth * bandwidth))
            }
            let normalised = PerformanceMapping.normalScoresOfRanks(task.trials.map(\.score))
            for (trial, score) in zip(task.trials, normalised) {
                weightedSum[trial.configurationKey, default: 0] += weight * score
                weightTotal[trial.configurationKey, default: 0] += weight
            }
        }
        let candidates = knowledge.sharedConfigurations()
        let means = candidates.map { candidate -> Double in
            let total = weightTotal[candidate.key]!
            return total > 1e-300 ? weightedSum[candidate.key]! / total : 0
        }
        return candidates.indices.sorted { means[$0] > means[$1] }.prefix(count).enumerated().map { rank, index in
            (candidates[index].params, String(format: "ranking #%d (mean normalised score %.2f on past tasks, similar ones weighted up)",
                                                     rank + 1, means[index]))
        }
    }

    /// The bandwidths `chooseBandwidth` tries.
    public static let candidateBandwidths = [1.0, 2.0, 3.0, 4.0, 6.0, 10.0, 1000.0]

    /// The bandwidth that would have served the knowledge base's own tasks best: each task in turn
    /// is ranked from the others, and the bandwidth with the lowest mean normalised regret of the
    /// best of the first `picks` configurations wins (ties: the wider). Learned from the knowledge
    /// alone, so a new task's results never choose it.
    public static func chooseBandwidth(for knowledge: KnowledgeBase, picks: Int = 5) -> Double {
        guard knowledge.tasks.count >= 3 else { return 4 }
        var best = (bandwidth: 4.0, regret: Double.infinity)
        for bandwidth in candidateBandwidths {
            var total = 0.0
            for task in knowledge.tasks {
                let others = knowledge.excluding(task.name)
                let chosen = build(from: others, metaFeatures: task.metaFeatures, count: picks, bandwidth: bandwidth).map(\.params)
                let scores = task.trials.map(\.score).sorted()
                let top = scores.last!, median = scores[scores.count / 2]
                let found = task.trials.filter { trial in chosen.contains(trial.params) }.map(\.score).max() ?? median
                total += top > median ? max(0, top - found) / (top - median) : 0
            }
            let regret = total / Double(knowledge.tasks.count)
            if regret <= best.regret { best = (bandwidth, regret) }
        }
        return best.bandwidth
    }
}
