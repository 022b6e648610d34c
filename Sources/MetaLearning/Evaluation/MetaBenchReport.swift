import Foundation
import MetaTune
import MetaTuneNumerics

/// The figures `meta bench` reports per method.
public struct MetaBenchReport: Sendable {
    public let method: String
    /// Median normalised regret, (pool best − best so far) / (pool best − pool median), at each
    /// checkpoint within the budget.
    public let regret: [(trials: Int, value: Double)]
    /// Median number of trials to come within `PoolBenchmark.targetGap` of the pool's best
    /// (budget + 1 when never).
    public let trialsToTarget: Double
    /// Mean rank (1 = best) of the method's mean normalised regret over the budget, per run.
    public let averageRank: Double
    /// Median Spearman correlation of a learned mapping's predictions with the pool's scores,
    /// before any target result (nil for methods without a mapping).
    public let spearman: Double?

    /// The reports of every method of `runs`, in `methods` order.
    public static func make(runs: PoolBenchmark.Runs, methods: [String], budget: Int,
                            spearman: [String: Double] = [:]) -> [MetaBenchReport] {
        let runCount = runs.poolBest.count
        func normalized(_ method: String, run: Int, trials: Int) -> Double {
            let spread = runs.poolBest[run] - runs.poolMedian[run]
            guard spread > 1e-12 else { return 0 }
            return max(0, runs.poolBest[run] - runs.curves[method]![run][trials - 1]) / spread
        }
        // Ranks per run by mean regret over the budget.
        var rankSums = [String: Double]()
        for run in 0..<runCount {
            let areas = methods.map { m in (1...budget).reduce(0.0) { $0 + normalized(m, run: run, trials: $1) } / Double(budget) }
            for (i, m) in methods.enumerated() {
                let better = areas.filter { $0 < areas[i] - 1e-12 }.count
                let tied = areas.filter { abs($0 - areas[i]) <= 1e-12 }.count
                rankSums[m, default: 0] += Double(better) + Double(tied + 1) / 2
            }
        }
        return methods.map { m in
            let regret = PoolBenchmark.checkpoints.filter { $0 <= budget }.map { t in
                (t, Statistics.median((0..<runCount).map { normalized(m, run: $0, trials: t) })!)
            }
            let reach = (0..<runCount).map { run -> Double in
                let curve = runs.curves[m]![run]
                let first = curve.firstIndex { $0 >= runs.poolBest[run] - PoolBenchmark.targetGap - 1e-12 }
                return Double(first.map { $0 + 1 } ?? budget + 1)
            }
            return MetaBenchReport(method: m, regret: regret, trialsToTarget: Statistics.median(reach)!,
                                   averageRank: rankSums[m]! / Double(runCount), spearman: spearman[m])
        }
    }

    /// The documented one-line JSON form.
    public var json: String {
        var object = OrderedJSONObject()
        object.add("method", method)
        var regretObject = OrderedJSONObject()
        for (trials, value) in regret { regretObject.add(String(trials), value) }
        object.addRaw("regret", regretObject.text)
        object.add("trials_to_target", trialsToTarget)
        object.add("average_rank", averageRank)
        object.add("spearman", spearman)
        return object.text
    }
}
