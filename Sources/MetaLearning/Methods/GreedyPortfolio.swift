import Foundation
import MetaTune

/// A greedy portfolio (zero-shot): an ordered set of configurations that together do well across
/// past tasks. Each step adds the configuration that most lowers the mean, over tasks, of the
/// normalised regret of the best configuration chosen so far — regret on a task being
/// (task best − score) / (task best − task median), 0 at the best, 1 at the median.
///
/// An empty portfolio counts as the median on every task (regret 1), so a configuration only
/// helps a task where it beats the median. Candidates are the configurations scored on at least
/// half of the tasks (a collected pool); a task that lacks a candidate's score counts it at the
/// median too.
public enum GreedyPortfolio {
    public static func build(from knowledge: KnowledgeBase, size: Int) -> [(params: [String: ParamValue], origin: String)] {
        // regret[task][candidate key]
        var regrets: [[String: Double]] = []
        var paramsByKey: [String: [String: ParamValue]] = [:]
        var taskCount: [String: Int] = [:]
        for task in knowledge.tasks {
            let scores = task.trials.map(\.score).sorted()
            guard let best = scores.last else { continue }
            let median = scores[scores.count / 2]
            let spread = max(best - median, 1e-12)
            var regret: [String: Double] = [:]
            for trial in task.trials {
                let key = trial.configIndex.map { "pool:\($0)" } ?? "\(trial.params)"
                paramsByKey[key] = trial.params
                regret[key] = min((best - trial.score) / spread, regret[key] ?? .infinity)
            }
            for key in regret.keys { taskCount[key, default: 0] += 1 }
            regrets.append(regret)
        }
        let candidates = taskCount.filter { 2 * $0.value >= regrets.count }.keys.sorted()
        var current = [Double](repeating: 1, count: regrets.count)
        var chosen: [(params: [String: ParamValue], origin: String)] = []
        var used = Set<String>()
        while chosen.count < size {
            var bestKey: String?
            var bestMean = Double.infinity
            for key in candidates where !used.contains(key) {
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
