import ArgumentParser
import Foundation
import MetaLearning
import MetaTune
import MetaTuneTasks
import Neural

/// `metatune meta …`: meta-learning across tasks.
struct MetaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meta",
        abstract: "Meta-learning across tasks: meta-features, knowledge bases, and comparing meta-learning with cold start.",
        subcommands: [Features.self, Collect.self, Export.self, Bench.self, Compare.self]
    )

    /// `metatune meta features FILE.csv [--json]`.
    struct Features: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a classification data set's meta-features.",
            discussion: """
            The CSV needs a header and numeric columns; the label column (default 'label') holds the classes.
            Meta-features: size (rows, features, classes and their logs and ratios), class balance (normalised
            entropy, majority and minority shares), skewness and kurtosis summaries, the correlation spectrum
            (first component's share, fraction of components for 95 %, spectrum entropy) and landmarkers
            (held-out accuracy of 1-NN, a ridge linear model and a decision stump on a seeded subsample).
            """
        )

        @Argument(help: "A CSV file (numeric columns, one label column).")
        var file: String

        @Option(help: "The label column.")
        var label = "label"

        @Option(parsing: .unconditional, help: "Seed of the landmarkers' subsample.", transform: NumberCheck.seed)
        var seed: UInt64 = 0

        @Flag(help: "Print one JSON object (name → value, in a fixed order) on standard output.")
        var json = false

        func run() throws {
            let dataset: Dataset
            let features: MetaFeatures
            do {
                dataset = try Dataset.loadCSV(path: file, labelColumn: label)
                features = try MetaFeatures.compute(dataset, seed: seed)
            } catch {
                failClearly(error)
            }
            if json {
                var object = OrderedJSONObject()
                for name in MetaFeatures.names { object.add(name, features.values[name]!) }
                print(object.text)
            } else {
                let width = MetaFeatures.names.map(\.count).max()!
                for name in MetaFeatures.names {
                    print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + String(format: "%.6g", features.values[name]!))
                }
            }
        }
    }

    /// `metatune meta collect --tasks DIR --model mlp --configs N --epochs E --seed S --storage URL --concurrency K`.
    struct Collect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate the same seeded random configurations on every CSV task of a folder (a knowledge base).",
            discussion: """
            For each DIR/NAME.csv (numeric columns and a 'label' column), the study 'meta:MODEL:NAME' gets the task's
            meta-features and one trial per configuration of the pool — configuration i is the same on every task,
            drawn with --seed from the model's default space — trained for --epochs epochs with its learning curve,
            scored by its validation accuracy after the last epoch (--metric best-accuracy: the best epoch's). A run
            of up to --epochs epochs scores the knowledge again from the curves as it scores itself.
            Interrupted runs resume where they stopped. The defaults are those of the knowledge base shipped with
            MetaTune, so pools collected with them are comparable with it.
            """
        )

        @Option(help: "A folder of CSV tasks.") var tasks: String
        @Option(help: "The model (CSV tasks: mlp).") var model: BuiltinModel = .mlp
        @Option(parsing: .unconditional, help: "Configurations per task.") var configs: Int = KnowledgeCollector.Settings().configs
        @Option(parsing: .unconditional, help: "Training epochs per configuration.") var epochs: Int = KnowledgeCollector.Settings().epochs
        @Option(parsing: .unconditional, help: "Seed of the configuration pool and of the data splits.", transform: NumberCheck.seed) var seed: UInt64 = KnowledgeCollector.Settings().seed
        @Option(help: "A configuration's score: accuracy (last epoch) or best-accuracy (best epoch).")
        var metric: TaskMetric = KnowledgeCollector.Settings().metric
        @OptionGroup var storage: StorageOption
        @Option(parsing: .unconditional, help: "BLAS threads.") var threads: Int = 1
        @Option(parsing: .unconditional, help: "Tasks trained at once (threads); each task's configurations run in order, so the results do not depend on it.")
        var concurrency: Int = 1
        @Flag(help: "No progress output.") var quiet = false

        func run() throws {
            let builtin = model
            guard builtin == .mlp else { usageError("meta collect supports --model mlp (CSV tasks are not images)") }
            try NumberCheck.positive(configs, "--configs")
            try NumberCheck.positive(epochs, "--epochs")
            try NumberCheck.positive(threads, "--threads")
            try NumberCheck.positive(concurrency, "--concurrency")
            Engine.threads = threads
            var settings = KnowledgeCollector.Settings()
            settings.concurrency = concurrency
            settings.configs = configs
            settings.epochs = epochs
            settings.seed = seed
            guard metric == .accuracy || metric == .bestAccuracy else { usageError("--metric takes best-accuracy or accuracy") }
            settings.metric = metric
            do {
                let collector = KnowledgeCollector(model: builtin, settings: settings, storage: try storage.open())
                var line: ProgressLine?
                try collector.collect(directory: tasks) { event in
                    if line == nil { line = ProgressLine(enabled: !quiet, total: event.total, label: "collect") }
                    let outcome = event.value.map { String(format: "accuracy %.4f", $0) } ?? event.state.rawValue
                    line?.update(done: event.done, best: nil,
                                 detail: "task \(event.taskIndex + 1)/\(event.taskCount) \(event.task) config \(event.configIndex): \(outcome)")
                }
                line?.finish()
                if !quiet { FileHandle.standardError.write(Data("collected into \(storage.storage)\n".utf8)) }
            } catch let mismatch as CollectionMismatch {
                failClearly(StudyError.invalidArgument(
                    "study '\(mismatch.study)' was collected with --epochs \(mismatch.earlier.epochs) --metric \(mismatch.earlier.metric) --seed \(mismatch.earlierSeed.map(String.init) ?? "?")"
                    + ", not --epochs \(mismatch.settings.epochs) --metric \(mismatch.settings.metric.rawValue) --seed \(mismatch.settings.seed): collect into another storage, or with those settings"))
            } catch {
                failClearly(error)
            }
        }
    }
}
