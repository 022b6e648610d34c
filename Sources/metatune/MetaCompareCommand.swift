import ArgumentParser
import Foundation
import MetaLearning
import MetaTune
import MetaTuneTasks
import Neural

extension MetaCommand {
    /// `metatune meta compare`: cold start against meta-learning on one data set, side by side.
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Tune one data set twice — cold-start GP and a meta-learning method — and show best-so-far side by side.",
            discussion: """
            Both runs train the built-in MLP with the same epochs, seed and data split, scored by the best validation
            accuracy of any epoch (as the knowledge base is). Use --exclude to leave tasks out of the knowledge, e.g. the
            knowledge base's own copy of the data set, so the comparison is on a task it has not seen.
            """
        )

        @Option(help: "A CSV file: numeric feature columns and a 'label' column.") var data: String?
        @Option(help: "A bundled data set instead of --data.") var dataset: BundledDataset?
        @Option(help: "The meta-learning method (not none).")
        var method: MetaMethod = .auto
        @Option(parsing: .unconditional, help: "Trials per run.") var trials: Int = 15
        @Option(parsing: .unconditional, help: "Training epochs per trial.") var epochs: Int = 8
        @Option(help: "What the method learns from (repeatable): 'builtin', a knowledge-base .json file or a storage URL (default: builtin).")
        var knowledge: [String] = []
        @Option(help: "A past task to leave out of the knowledge (repeatable).") var exclude: [String] = []
        @Option(parsing: .unconditional, help: "Random seed (samplers and data split).", transform: NumberCheck.seed) var seed: UInt64 = 0
        @Option(parsing: .unconditional, help: "BLAS threads.") var threads: Int = 1

        func validate() throws {
            if (data == nil) == (dataset == nil) { throw UsageError("give exactly one of --data FILE.csv and --dataset digits") }
            guard method != .none else {
                throw UsageError("--method none is no meta-learning: choose one of \(MetaMethod.allCases.filter { $0 != .none }.map(\.rawValue).joined(separator: ", "))")
            }
            try NumberCheck.positive(trials, "--trials")
            try NumberCheck.positive(epochs, "--epochs")
            try NumberCheck.positive(threads, "--threads")
        }

        func run() throws {
            Engine.threads = threads
            do {
                let bundled = dataset ?? .digits
                let name = data.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent } ?? bundled.rawValue
                let dataSet = try data.map { try Dataset.loadCSV(path: $0) } ?? bundled.load()
                let task = try BuiltinTask(name: name, data: dataSet, model: .mlp, epochs: epochs, metric: .bestAccuracy, seed: seed)
                let space = BuiltinModel.mlp.defaultSpace
                let objective = ObjectiveSignature(metric: TaskMetric.bestAccuracy.rawValue, model: BuiltinModel.mlp.rawValue, epochs: epochs)
                let query = KnowledgeQuery(space: space, objective: objective, excluded: Set([name] + exclude))
                let sources = knowledge.isEmpty ? [KnowledgeSource.builtin] : try knowledge.map(KnowledgeSource.init)
                var past = try KnowledgeSource.knowledge(from: sources, storage: nil, query: query, model: .mlp)
                let training = PastTask.CollectionSettings(epochs: epochs, metric: TaskMetric.bestAccuracy.rawValue)
                let rescored: Int
                (past, rescored) = past.rescored(for: training)
                let metaFeatures = try MetaFeatures.compute(dataSet, seed: seed)
                let meta = try method.sampler(knowledge: past, metaFeatures: metaFeatures, space: space, seed: seed)
                MetaSetup.describe(method: method, sampler: meta, knowledge: past, query: query,
                                   hasMetaFeatures: true, rescored: rescored, training: training)
                print("Tuning an MLP on \(name) (\(task.train.count) training rows, \(epochs) epochs per trial): "
                      + "cold-start GP against --meta \(method), best validation accuracy so far")
                print("trial   cold GP   meta \(method)")
                fflush(nil)
                var run = try SideBySideRun(samplers: [("cold", GPSampler(seed: seed, space: space)), ("meta", meta)],
                                            space: space, direction: .maximize)
                for round in 1...trials {
                    let bests = try run.round { trial in try task.evaluate(trial, space: space) }
                    print(String(format: "%5d   %7.4f   %7.4f", round, bests[0] ?? 0, bests[1] ?? 0))
                    fflush(nil)
                }
                let reach = run.roundsToTarget(gap: PoolBenchmark.targetGap).map { $0.map(String.init) ?? "never" }
                print("within 0.5 points of the better final result: cold GP at trial \(reach[0]), meta \(method) at trial \(reach[1])")
            } catch {
                failClearly(error)
            }
        }
    }
}
