import ArgumentParser
import Foundation
import MetaTune
import Neural

/// `metatune bench`: the benchmarks; without a subcommand name, `samplers`.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks: samplers (the default), importance, report and storage.",
        subcommands: [BenchSamplersCommand.self, BenchImportanceCommand.self, BenchReportCommand.self, BenchStorageCommand.self, BenchStorageWorkerCommand.self, BenchHypergradientCommand.self, BenchTextEncoderCommand.self],
        defaultSubcommand: BenchSamplersCommand.self
    )
}

/// `metatune bench [samplers]`: samplers on the shared problems, or a training benchmark.
struct BenchSamplersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "samplers",
        abstract: "Run samplers on the built-in benchmark problems and report regret and ask time.",
        discussion: """
        Runs seeds 0..K-1 of each (problem, sampler) pair. With --json, prints one JSON object per pair:
        {"problem", "sampler", "trials", "seeds", "optimum", "best_so_far", "median_log10_regret", "mean_ask_ms", "last_ask_ms"}.
        Problems: \(BenchmarkProblem.all.map(\.name).joined(separator: ", ")). Samplers: \(SamplerCatalog.names.joined(separator: ", ")).
        """
    )

    @Option(help: "A benchmark problem, or all of them.")
    var problem: OneOrAll<BenchmarkProblem>?

    @Option(help: "A training benchmark of ../shared/bench/dl.md instead.")
    var train: TrainingBenchmark?

    @Option(parsing: .unconditional, help: "BLAS threads for --train.")
    var threads: Int = 1

    @Flag(help: "The protocol's quick mode for --train (fewer runs and samples).")
    var quick = false

    @Option(help: "A sampler, or all of them.")
    var sampler: OneOrAll<SamplerKind> = .one(.tpe)

    @Option(parsing: .unconditional, help: "Trials per run.")
    var trials: Int = 100

    @Option(parsing: .unconditional, help: "Number of seeds (0..K-1).")
    var seeds: Int = 10

    @Flag(help: "Print one JSON object per (problem, sampler) on standard output.")
    var json = false

    @Flag(help: "No progress on standard error (the table is still printed).")
    var quiet = false

    func validate() throws {
        if train != nil {
            try NumberCheck.positive(threads, "--threads")
            return
        }
        try NumberCheck.positive(trials, "--trials")
        try NumberCheck.positive(seeds, "--seeds")
    }

    func run() throws {
        guard train != nil || problem != nil else {
            usageError("give --problem NAME|all (sampler benchmarks), --train NAME (training benchmarks) or a subcommand: importance, report")
        }
        if let train {
            do {
                let result = try train.run(threads: threads, quick: quick)
                print(json ? result.json : String(format: "%@ (%d thread%@): %.0f samples/s, %.3f s%@", result.benchmark.rawValue,
                                                  threads, threads == 1 ? "" : "s", result.samplesPerSecond, result.seconds,
                                                  result.validationAccuracy.map { String(format: ", validation accuracy %.4f", $0) } ?? ""))
            } catch {
                failClearly(error)
            }
            return
        }
        let problems = self.problem?.values(of: BenchmarkProblem.all) ?? []
        let samplers = sampler.values(of: SamplerKind.allCases).map(\.rawValue)
        if !json {
            print("problem          sampler          " + BenchmarkResult.checkpoints.filter { $0 <= trials }
                .map { "med@\($0)".padding(toLength: 9, withPad: " ", startingAt: 0) }.joined() + "ask ms")
        }
        for problem in problems {
            for samplerName in samplers {
                let progress = ProgressLine(enabled: !quiet, total: seeds, label: "\(problem.name) \(samplerName) seed")
                let result: BenchmarkResult
                do {
                    result = try BenchmarkRunner.run(problem: problem, samplerName: samplerName, trials: trials,
                                                     seeds: seeds) { seed in progress.update(done: seed + 1, best: nil) }
                } catch {
                    progress.finish()
                    failClearly(error)
                }
                progress.finish()
                if json {
                    print(result.json)
                } else {
                    let cells = result.medianLogRegret.map { String(format: "%-9.2f", $0.value) }.joined()
                    print(problem.name.padding(toLength: 17, withPad: " ", startingAt: 0)
                          + samplerName.padding(toLength: 17, withPad: " ", startingAt: 0)
                          + cells + String(format: "%.3f", result.meanAskMilliseconds))
                }
                fflush(nil)
            }
        }
    }
}
