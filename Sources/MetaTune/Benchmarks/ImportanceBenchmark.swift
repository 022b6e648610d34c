import Foundation
import MetaTuneNumerics

/// Parameter importance on a study of known structure: `x1…xk` uniform on [0, 1] and the value
/// 10·x1 + 3·x2 + x3 (every other parameter has weight 0), minimised. A method is right when it
/// ranks x1, x2, x3 first, in that order. `metatune bench importance` times it against Optuna
/// (bench/compare_importance.sh).
public enum ImportanceBenchmark {
    /// The weight of each parameter: 10, 3, 1, then 0.
    public static func weights(parameters: Int) -> [Double] {
        (0..<parameters).map { $0 < 3 ? [10, 3, 1][$0] : 0 }
    }

    /// The parameters that matter, most important first.
    public static func expectedRanking(parameters: Int) -> [String] {
        (0..<min(parameters, 3)).map { "x\($0 + 1)" }
    }

    /// `count` complete trials with seeded uniform draws.
    public static func trials(count: Int, parameters: Int, seed: UInt64 = 0) throws -> [FrozenTrial] {
        let weights = weights(parameters: parameters)
        let unit = Distribution.float(try FloatDistribution(low: 0, high: 1))
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { number in
            var params: [String: ParamValue] = [:], distributions: [String: Distribution] = [:]
            var value = 0.0
            for index in 0..<parameters {
                let x = generator.nextUniform()
                params["x\(index + 1)"] = .float(x)
                distributions["x\(index + 1)"] = unit
                value += weights[index] * x
            }
            return FrozenTrial(id: number, number: number, state: .complete, value: value, params: params, distributions: distributions)
        }
    }

    /// One method's result: its importances and how long evaluating took.
    public struct Timing: Sendable {
        public let importances: ParameterImportances
        /// Seconds per evaluation, in run order.
        public let runs: [Double]
        /// The median of `runs`.
        public var medianSeconds: Double { Statistics.median(runs) ?? 0 }
        /// The parameters, most important first.
        public var ranking: [String] { importances.entries.map(\.name) }

        /// Whether the ranking starts with the parameters that matter, in order.
        public func agrees(parameters: Int) -> Bool {
            let expected = ImportanceBenchmark.expectedRanking(parameters: parameters)
            return Array(ranking.prefix(expected.count)) == expected
        }
    }

    /// Evaluates `trials` `repeats` times with `method` (its default settings); PED-ANOVA after
    /// one untimed evaluation (the anchor's script warms up the same way), whose first run pays
    /// for starting threads and growing the heap. fANOVA's runs take long enough not to need it.
    public static func time(_ method: ImportanceMethod, trials: [FrozenTrial], repeats: Int) throws -> Timing {
        let evaluator = ParameterImportanceEvaluator(method: method)
        if method == .pedANOVA { _ = try evaluator.evaluate(trials, direction: .minimize) }
        var runs: [Double] = []
        var last: ParameterImportances?
        for _ in 0..<max(repeats, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            last = try evaluator.evaluate(trials, direction: .minimize)
            runs.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        guard let last else { throw ImportanceError.noParameters }
        return Timing(importances: last, runs: runs)
    }
}
