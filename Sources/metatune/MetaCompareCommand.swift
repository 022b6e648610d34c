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
                let source: DataSource = data.map { .csv(path: $0) } ?? .bundled(dataset ?? .digits)
                var comparison = try MetaComparison(data: source, method: method, epochs: epochs,
                                                    knowledge: try knowledge.map(KnowledgeSource.init), excluded: exclude, seed: seed)
                FileHandle.standardError.write(Data((comparison.explanation + "\n").utf8))
                print("Tuning an MLP on \(comparison.task.name) (\(comparison.task.train.count) training rows, \(epochs) epochs per trial): "
                      + "cold-start GP against --meta \(method), best validation accuracy so far")
                print("trial   cold GP   meta \(method)")
                fflush(nil)
                for round in 1...trials {
                    let bests = try comparison.round()
                    print(String(format: "%5d   %7.4f   %7.4f", round, bests.cold ?? 0, bests.meta ?? 0))
                    fflush(nil)
                }
                let reach = comparison.roundsToTarget
                let say = { (round: Int?) in round.map(String.init) ?? "never" }
                print("within 0.5 points of the better final result: cold GP at trial \(say(reach.cold)), meta \(method) at trial \(say(reach.meta))")
            } catch {
                failClearly(error)
            }
        }
    }
}
