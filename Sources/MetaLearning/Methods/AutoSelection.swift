import Foundation
import MetaTune
import MetaTuneNumerics

/// How `--meta auto` chooses its task weighting: every candidate weighting (`candidates`) is
/// replayed on the knowledge base's own tasks, each in turn the new task and the others the
/// knowledge (an inner leave-one-out that never sees the real new task), picking `picks`
/// configurations with `TransferRanking`; the weighting with the lowest mean normalised regret of
/// the best pick wins (ties: the earlier, simpler one). So `auto` uses meta-features only when
/// they served the knowledge's own tasks, and never does worse on them than the best single
/// weighting it considered.
public enum AutoSelection {
    /// One candidate weighting and its inner leave-one-out regret.
    public struct Outcome: Sendable {
        public let weighting: TaskWeighting
        public let regret: Double
    }

    /// The observation strengths β the candidates try.
    public static let strengths = [0.0, 0.5, 1.0, 2.0]
    /// The meta-feature bandwidths h the candidates try (1000: nearly alike).
    public static let bandwidths = [1.0, 2.0, 3.0, 4.0, 6.0, 10.0]

    /// The candidate weightings, simplest first: all tasks alike, then the new task's trials at
    /// growing strength, then (when the new task has meta-features) each bandwidth without and
    /// with the trials, and kNN by the trials or by meta-features.
    public static func candidates(metaFeaturesAvailable: Bool) -> [TaskWeighting] {
        var list = strengths.map { TaskWeighting(observationStrength: $0) }
        list.append(TaskWeighting(observationStrength: 1, topK: MetaMethod.defaultNeighbours))
        if metaFeaturesAvailable {
            for h in bandwidths {
                list.append(TaskWeighting(metaBandwidth: h))
                list.append(TaskWeighting(metaBandwidth: h, observationStrength: 1))
            }
            list.append(TaskWeighting(metaBandwidth: 1000, topK: MetaMethod.defaultNeighbours))
        }
        return list
    }

    /// Every candidate's inner leave-one-out regret on `ranking`'s tasks (at most `folds` of them,
    /// a seeded sample, as new tasks), in `candidates` order; the winner is the first with the
    /// lowest regret.
    public static func evaluate(ranking: TransferRanking, metaFeaturesAvailable: Bool, picks: Int = 5,
                                folds: Int = 40) -> [Outcome] {
        let scores = ranking.scores
        let taskCount = scores.tasks.count
        let weightings = candidates(metaFeaturesAvailable: metaFeaturesAvailable)
        guard taskCount >= 3 else { return weightings.map { Outcome(weighting: $0, regret: 0) } }
        var order = Array(0..<taskCount)
        if taskCount > folds {
            var generator = SplitMix64(state: stableHash("auto-folds"))
            order = Array(generator.permutation(taskCount).prefix(folds)).sorted()
        }
        return weightings.map { weighting in
            var total = 0.0
            for held in order {
                total += replayRegret(ranking: ranking, weighting: weighting, held: held, picks: picks)
            }
            return Outcome(weighting: weighting, regret: total / Double(order.count))
        }
    }

    /// The winner of `evaluate`.
    public static func choose(ranking: TransferRanking, metaFeaturesAvailable: Bool) -> TaskWeighting {
        let outcomes = evaluate(ranking: ranking, metaFeaturesAvailable: metaFeaturesAvailable)
        var best = outcomes[0]
        for outcome in outcomes.dropFirst() where outcome.regret < best.regret - 1e-12 { best = outcome }
        return best.weighting
    }

    /// Task `held` as the new task: `picks` configurations chosen from the other tasks, observed at
    /// task `held`'s (predicted) normalised scores; the regret of the best, (best − found) / best,
    /// in [0, 1] (0: its best trial, 1: its median or worse).
    static func replayRegret(ranking: TransferRanking, weighting: TaskWeighting, held: Int, picks: Int) -> Double {
        let scores = ranking.scores
        let top = scores.best(task: held)
        guard top > 1e-12 else { return 0 }
        let metaFeatures = scores.tasks[held].metaFeatures
        var picked: [Int] = [], observed: [Double] = []
        var tried = Set<Int>()
        var found = -Double.infinity
        let prior = weighting.metaPrior(scores: scores, metaFeatures: metaFeatures, skip: held)
        for _ in 0..<picks {
            let weights = weighting.weights(prior: prior, observed: observed, skip: held) { observation, task in
                ranking.table[picked[observation]][task]
            }
            guard let (index, _) = ranking.best(weights: weights, excluded: tried, skip: held) else { break }
            let score = ranking.table[index][held]
            tried.insert(index)
            picked.append(index)
            observed.append(score)
            found = max(found, score)
        }
        return min(max((top - found) / top, 0), 1)
    }
}
