import Foundation
import MetaTune

/// Ranks candidate configurations for a new task by their weighted mean normalised score over past
/// tasks (`PastTaskScores`), each task weighted by `TaskWeighting` — by meta-features, by how well
/// it ranks the new task's trials so far, or alike. This blends the portfolio's robustness (a
/// configuration must do well on many tasks) with kNN's specificity (similar tasks count more),
/// and works for any past studies whose spaces share parameters with the new one.
///
/// Candidates: a collected pool's configurations (those scored on at least half of the past tasks)
/// when there is one, else the `perTask` best trials of every past task; all fitted into the new
/// space, without repeats.
public struct TransferRanking: Sendable {
    public let scores: PastTaskScores
    /// The candidates' parameters (fitted into the new space) and points.
    public let candidates: [(params: [String: ParamValue], point: [Double?])]
    /// table[c][t]: task t's predicted normalised score of candidate c.
    let table: [[Double]]
    /// soleSource[c]: the task candidate c was taken from when only one task tried it (for leaving
    /// a task out).
    let soleSource: [Int?]
    /// The index of each candidate's point.
    private let indexOfPoint: [[Double?]: Int]

    public init(knowledge: KnowledgeBase, space: SearchSpace, perTask: Int = 5) {
        scores = PastTaskScores(knowledge: knowledge, space: space)
        var chosen: [(params: [String: ParamValue], point: [Double?])] = []
        var sources: [Set<Int>] = []
        var indexOfPoint: [[Double?]: Int] = [:]
        let pool = Set(knowledge.pooledConfigurationKeys())
        for (t, task) in knowledge.tasks.enumerated() {
            let trials = pool.isEmpty ? Array(task.trials.sorted { $0.score > $1.score }.prefix(perTask))
                                      : task.trials.filter { pool.contains($0.configurationKey) }
            for trial in trials {
                let params = PastTaskScores.fitted(trial.params, space: space)
                let point = PastTaskScores.encode(params, space: space)
                if let index = indexOfPoint[point] {
                    sources[index].insert(t)
                } else {
                    indexOfPoint[point] = chosen.count
                    chosen.append((params, point))
                    sources.append([t])
                }
            }
        }
        candidates = chosen
        soleSource = sources.map { $0.count == 1 ? $0.first : nil }
        self.indexOfPoint = indexOfPoint
        let scores = self.scores
        table = chosen.map { candidate in (0..<knowledge.tasks.count).map { scores.predict(task: $0, at: candidate.point) } }
    }

    /// The best candidate under `weights` (one per past task) that is not `excluded` (by index)
    /// and, with `skip`, was not taken from that task alone; nil when none is left. `value` is its
    /// weighted mean normalised score.
    public func best(weights: [Double], excluded: Set<Int>, skip: Int? = nil) -> (index: Int, value: Double)? {
        let active = weights.indices.filter { weights[$0] > 0 }
        var best: (index: Int, value: Double)?
        for c in candidates.indices where !excluded.contains(c) {
            if let skip, soleSource[c] == skip { continue }
            let row = table[c]
            var value = 0.0
            for t in active { value += weights[t] * row[t] }
            if best == nil || value > best!.value { best = (c, value) }
        }
        return best
    }

    /// The next configuration for a new task with `metaFeatures` that has finished `observations`
    /// (parameters and scores, higher is better) and has `pending` configurations running, under
    /// `weighting`; with where it came from, for progress output.
    public func next(weighting: TaskWeighting, metaFeatures: MetaFeatures?,
                     observations: [(params: [String: ParamValue], score: Double)],
                     pending: [[String: ParamValue]] = []) -> (params: [String: ParamValue], origin: String)? {
        let observed = observations.map { (point: PastTaskScores.encode($0.params, space: scores.space), score: $0.score) }
        let weights = weighting.weights(scores: scores, metaFeatures: metaFeatures, observations: observed)
        let tried = Set((observed.map(\.point) + pending.map { PastTaskScores.encode($0, space: scores.space) }).compactMap { indexOfPoint[$0] })
        guard let (index, value) = best(weights: weights, excluded: tried) else { return nil }
        let heaviest = weights.indices.sorted { weights[$0] > weights[$1] }.prefix(2).filter { weights[$0] > 0 }
            .map { String(format: "%@ %.2f", scores.tasks[$0].name, weights[$0]) }
        let origin = String(format: "transfer: mean normalised score %.2f over %d past tasks weighted %@ (heaviest: %@)",
                            value, scores.tasks.count, weighting.description, heaviest.joined(separator: ", "))
        return (candidates[index].params, origin)
    }
}
