import Foundation
import MetaTune

/// A greedy portfolio (zero-shot): an ordered set of configurations that together do well across
/// past tasks. Each step adds the configuration that most lowers the mean, over tasks, of the
/// normalised regret of the best configuration chosen so far — regret on a task being
/// (task best − score) / (task best − task median), 0 at the best, 1 at the median.
///
/// An empty portfolio counts as the median on every task (regret 1), so a configuration only
/// helps a task where it beats the median. Candidates are `KnowledgeBase.sharedConfigurations`;
/// a task that lacks a candidate's score counts it at the median too.
public enum GreedyPortfolio {
    public static func build(from knowledge: KnowledgeBase, size: Int) -> [(params: [String: ParamValue], origin: String)] {
        // regret[task][configuration key]
        var regrets: [[String: Double]] = []
        for task in knowledge.tasks {
            let scores = task.trials.map(\.score).sorted()
            guard let best = scores.last else { continue }
            let median = scores[scores.count / 2]
            let spread = max(best - median, 1e-12)
            var regret: [String: Double] = [:]
            for trial in task.trials {
                let key = trial.configurationKey
                regret[key] = min((best - trial.score) / spread, regret[key] ?? .infinity)
            }
            regrets.append(regret)
        }
        let candidates = knowledge.sharedConfigurations()
        let paramsByKey = Dictionary(uniqueKeysWithValues: candidates.map { ($0.key, $0.params) })
        var current = [Double](repeating: 1, count: regrets.count)
        var chosen: [(params: [String: ParamValue], origin: String)] = []
        var used = Set<String>()
        while chosen.count < size {
            var bestKey: String?
            var bestMean = Double.infinity
            for (key, _) in candidates where !used.contains(key) {
                var total = 0.0
                for (t, regret) in regrets.enumerated() { total += min(current[t], regret[key] ?? 1) }
                if total < bestMean {
                    bestMean = total
                    bestKey = key
                }
            }
            guard let key = bestKey else { break }
            used.insert(key)
            for (t, regret) in regrets.enumerated() { current[t] = min(current[t], regret[key] ?? 1) }
            chosen.append((paramsByKey[key]!, String(format: "portfolio #%d (mean regret over %d past tasks %.3f)",
                                                        chosen.count + 1, regrets.count, bestMean / Double(max(regrets.count, 1)))))
        }
        return chosen
    }
}
