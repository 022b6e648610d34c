import Foundation
import MetaTuneNumerics

/// The outcome of running one sampler on one benchmark problem over several seeds.
public struct BenchmarkResult: Sendable {
    public let problem: String
    public let sampler: String
    public let trials: Int
    public let seeds: Int
    public let optimum: Double
    /// best_so_far[seed][i]: the best value after trial i + 1.
    public let bestSoFar: [[Double]]
    /// The mean wall time of one ask (including the suggestion of every parameter), in ms.
    public let meanAskMilliseconds: Double
    /// The wall time of the last ask (made with `trials − 1` finished trials), median over seeds, in ms.
    public let lastAskMilliseconds: Double

    /// The checkpoints at which regret is reported.
    public static let checkpoints = [25, 50, 100]

    /// log10(best − f* + 1e-12) after `count` trials for each seed (regret clipped at 0).
    public func logRegrets(after count: Int) -> [Double] {
        bestSoFar.map { Foundation.log10(max(0, $0[count - 1] - optimum) + 1e-12) }
    }

    /// The median over seeds of the log10 regret at each checkpoint no larger than `trials`.
    public var medianLogRegret: [(checkpoint: Int, value: Double)] {
        Self.checkpoints.filter { $0 <= trials }.map { ($0, Statistics.median(logRegrets(after: $0))!) }
    }

    /// The documented one-line JSON form.
    public var json: String {
        var object = OrderedJSONObject()
        object.add("problem", problem)
        object.add("sampler", sampler)
        object.add("trials", trials)
        object.add("seeds", seeds)
        object.add("optimum", optimum)
        object.addRaw("best_so_far", "[" + bestSoFar.map { "[" + $0.map(jsonNumber).joined(separator: ",") + "]" }
            .joined(separator: ",") + "]")
        var regret = OrderedJSONObject()
        for (checkpoint, value) in medianLogRegret { regret.add(String(checkpoint), value) }
        object.addRaw("median_log10_regret", regret.text)
        object.add("mean_ask_ms", meanAskMilliseconds)
        object.add("last_ask_ms", lastAskMilliseconds)
        return object.text
    }
}

/// Runs samplers on benchmark problems: seeds 0..<seeds, `trials` trials each, in-memory storage.
public enum BenchmarkRunner {
    /// Runs `samplerName` on `problem`; `progress` is called after each seed.
    public static func run(problem: BenchmarkProblem, samplerName: String, trials: Int, seeds: Int,
                           progress: ((Int) -> Void)? = nil) throws -> BenchmarkResult {
        guard trials >= 1 else { throw StudyError.invalidArgument("the number of trials must be at least 1, got \(trials)") }
        guard seeds >= 1 else { throw StudyError.invalidArgument("the number of seeds must be at least 1, got \(seeds)") }
        var curves: [[Double]] = []
        var askSeconds = 0.0
        var lastAskSeconds: [Double] = []
        for seed in 0..<seeds {
            let sampler = try SamplerCatalog.make(samplerName, seed: UInt64(seed), space: problem.space)
            let study = try Study.create(name: "\(problem.name)-\(samplerName)-\(seed)", direction: .minimize,
                                         sampler: sampler, storage: InMemoryStorage())
            var best = Double.infinity
            var curve: [Double] = []
            curve.reserveCapacity(trials)
            for _ in 0..<trials {
                let start = DispatchTime.now().uptimeNanoseconds
                let trial = try study.ask(space: problem.space)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                askSeconds += seconds
                if curve.count == trials - 1 { lastAskSeconds.append(seconds) }
                let value = problem.evaluate(trial.params)
                try study.tell(trial, value: value)
                best = min(best, value)
                curve.append(best)
            }
            curves.append(curve)
            progress?(seed)
        }
        return BenchmarkResult(problem: problem.name, sampler: samplerName, trials: trials, seeds: seeds,
                               optimum: problem.optimum, bestSoFar: curves,
                               meanAskMilliseconds: 1000 * askSeconds / Double(trials * seeds),
                               lastAskMilliseconds: 1000 * Statistics.median(lastAskSeconds)!)
    }
}
