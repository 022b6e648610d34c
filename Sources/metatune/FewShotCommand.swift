import ArgumentParser
import Foundation
import MetaLearning
import MetaTune
import Neural

/// `metatune fewshot`: gradient-based meta-learning (MAML and its family, Prototypical Networks).
struct FewShotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fewshot",
        abstract: "Meta-learn how to learn from a few examples (MAML, FOMAML, Reptile, Meta-SGD, ANIL, Prototypical Networks).",
        subcommands: [FewShotTrainCommand.self, FewShotEvalCommand.self]
    )
}

/// Where the benchmark's data is and how many threads the engine uses.
struct FewShotBenchmarkOptions: ParsableArguments {
    @Option(help: "Classes per episode (fashion).") var ways: Int = 4
    @Option(help: "The folder of the Fashion-MNIST IDX files (plain or .gz).")
    var fashionDir: String = FashionFewShotBenchmark.debianDirectory
    @Option(parsing: .unconditional, help: "Engine threads.") var threads: Int = 1

    func validate() throws {
        try NumberCheck.positive(threads, "--threads")
        try NumberCheck.positive(ways, "--ways")
    }
}

struct FewShotTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Meta-train a few-shot learner and save it.",
        discussion: """
        Benchmarks: sinusoid (MAML's regression protocol: A·sin(x − φ), A in [0.1, 5], φ in [0, π], x in [−5, 5]; \
        an MLP 1-40-40-1) and fashion (Fashion-MNIST, classes 0–5 meta-train, 6–9 meta-test; --ways-way episodes \
        with 15 queries per class; a 3-block CNN). Methods: maml, fomaml, reptile, metasgd, anil, protonet \
        (fashion only), and the baselines scratch (no training) and pretrain (pooled training, then fine-tuning). \
        Unset hyperparameters take the protocol's defaults (sinusoid: inner lr 0.01, meta-batch 25, 3000 \
        iterations; fashion: inner lr 0.1, meta-batch 8, 1000 iterations; one inner step, Reptile 5; meta lr 0.001). \
        Progress goes to standard error; the model is written to --output as JSON.
        """
    )

    @Option(help: "maml, fomaml, reptile, metasgd, anil, protonet, scratch or pretrain.") var method: String
    @Option(help: "sinusoid or fashion.") var benchmark: String
    @Option(help: "Support examples per task (per class for fashion).") var shots: Int = 5
    @Option(help: "Meta-iterations.") var iterations: Int?
    @Option(help: "Tasks per meta-iteration.") var metaBatch: Int?
    @Option(help: "The inner loop's SGD learning rate.") var innerLr: Float?
    @Option(help: "Inner SGD steps per task in meta-training.") var innerSteps: Int?
    @Option(help: "Adam's learning rate on the meta-parameters.") var metaLr: Float?
    @Option(help: "Seeds the weights and the episodes.") var seed: UInt64 = 0
    @Option(help: "The file to write the model to (JSON).") var output: String
    @OptionGroup var options: FewShotBenchmarkOptions
    @Flag(help: "No progress output.") var quiet = false

    func run() throws {
        do {
            guard let method = FewShotMethod(rawValue: method) else {
                throw UsageError("--method must be one of: \(FewShotMethod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            Engine.threads = options.threads
            let benchmark = try FewShotBenchmarks.make(self.benchmark, ways: options.ways, fashionDirectory: options.fashionDir)
            var settings = FewShotSettings.defaults(method: method, benchmark: benchmark.name, shots: shots, seed: seed)
            if let iterations { settings.iterations = iterations }
            if let metaBatch { settings.metaBatch = metaBatch }
            if let innerLr { settings.innerLearningRate = innerLr }
            if let innerSteps { settings.innerSteps = innerSteps }
            if let metaLr { settings.metaLearningRate = metaLr }
            let learner = try FewShotLearner(method: method, benchmark: benchmark, settings: settings)
            let line = ProgressLine(enabled: !quiet, total: settings.iterations, label: "\(method.rawValue) on \(benchmark.name)")
            let start = Date()
            try learner.train { progress in
                line.update(done: progress.iteration, best: nil, detail: String(format: "loss %.4g", progress.loss))
            }
            line.finish()
            try learner.save(to: URL(fileURLWithPath: output))
            if !quiet {
                let perIteration = learner.secondsPerIteration.map { String(format: ", %.2f ms per iteration", 1000 * $0) } ?? ""
                FileHandle.standardError.write(Data(String(format: "trained in %.1f s%@; model written to %@\n",
                                                           Date().timeIntervalSince(start), perIteration, output).utf8))
            }
        } catch {
            failClearly(error)
        }
    }
}

struct FewShotEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score a saved few-shot learner on held-out tasks.",
        discussion: """
        Each episode's support set is adapted to by SGD with the learner's inner learning rate (Meta-SGD: its \
        learned rates; ANIL: the head only); the query metric (mse, or accuracy in percent) is averaged over \
        --episodes meta-test tasks. --adapt-optimizer, --adapt-lr and --head-only replace that inner loop (the \
        baselines' stronger fine-tuning: e.g. --adapt-optimizer adam --adapt-lr 0.01 --steps 50, with --head-only \
        for pretrain). With --json, one object per number of steps: {"method", "benchmark", "shots", "ways", \
        "steps", "episodes", "mse" or "accuracy", "ci95", "before_adaptation"}, and "fine_tuning" when the inner \
        loop was replaced.
        """
    )

    @Option(help: "A model written by `metatune fewshot train`.") var model: String
    @Option(help: "Adaptation steps to score after, comma-separated (default: sinusoid 1,10; fashion 1,5).") var steps: String?
    @Option(help: "Test episodes.") var episodes: Int = 500
    @Option(help: "test (meta-test tasks) or validation (meta-validation tasks).") var split: String = "test"
    @Option(help: "Adapt with sgd or adam instead of the learner's own inner loop.") var adaptOptimizer: String?
    @Option(help: "The adaptation's learning rate (default: the learner's inner rate; adam needs one).") var adaptLr: Float?
    @Flag(help: "Adapt the last layer only, on features of the rest of the network.") var headOnly = false
    @OptionGroup var options: FewShotBenchmarkOptions
    @Flag(help: "Print JSON lines.") var json = false
    @Flag(help: "No progress output.") var quiet = false

    func run() throws {
        do {
            guard let split = FewShotSplit(rawValue: split), split != .train else { throw UsageError("--split must be test or validation") }
            try NumberCheck.positive(episodes, "--episodes")
            let fineTuning = try self.fineTuning()
            Engine.threads = options.threads
            let url = URL(fileURLWithPath: model)
            let saved = try FewShotLearner.benchmarkName(of: url)
            let benchmark = try FewShotBenchmarks.make(saved.name, ways: saved.ways ?? options.ways, fashionDirectory: options.fashionDir)
            let learner = try FewShotLearner.load(from: url, benchmark: benchmark)
            let counts = try (steps ?? (benchmark.ways == nil ? "1,10" : "1,5")).split(separator: ",").map { text -> Int in
                guard let count = Int(text.trimmingCharacters(in: .whitespaces)), count >= 0 else {
                    throw UsageError("--steps takes whole numbers of 0 or more, comma-separated (got '\(text)')")
                }
                return count
            }
            let line = ProgressLine(enabled: !quiet, total: episodes, label: "evaluating \(learner.method.rawValue)")
            let scores = try learner.evaluate(split: split, steps: counts, episodes: episodes, fineTuning: fineTuning) { done, _ in
                line.update(done: done, best: nil)
            }
            line.finish()
            for score in scores {
                if json {
                    print(score.json)
                } else {
                    let tuning = score.fineTuning.isInnerLoop ? "" : " (\(score.fineTuning.label))"
                    let before = tuning + (score.beforeAdaptation.map { String(format: " (before adaptation %.4g)", $0) } ?? "")
                    print(String(format: "%@ %@ %d-shot%@, %d %@: %@ %.4g ± %.3g over %d episodes%@", score.method.rawValue, score.benchmark,
                                 score.shots, score.ways.map { ", \($0)-way" } ?? "", score.steps, score.steps == 1 ? "step" : "steps",
                                 score.metric, score.value, score.ci95, score.episodes, before))
                }
            }
        } catch {
            failClearly(error)
        }
    }
}

extension FewShotEvalCommand {
    /// The adaptation the options ask for (the learner's inner loop when none is given).
    func fineTuning() throws -> FewShotFineTuning {
        guard adaptOptimizer != nil || adaptLr != nil || headOnly else { return .innerLoop }
        let name = adaptOptimizer ?? "sgd"
        guard let optimizer = FewShotFineTuning.Optimizer(rawValue: name) else {
            throw UsageError("--adapt-optimizer must be sgd or adam, not '\(name)'")
        }
        let fineTuning = FewShotFineTuning(optimizer: optimizer, learningRate: adaptLr, headOnly: headOnly)
        do { try fineTuning.validate() } catch let error as FewShotError { throw UsageError(error.description) }
        return fineTuning
    }
}
