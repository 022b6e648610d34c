import ArgumentParser
import Foundation
import MetaLearning
import MetaTune
import Neural

/// `metatune meta …`: meta-learning across tasks.
struct MetaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meta",
        abstract: "Meta-learning across tasks: describe data sets by their meta-features.",
        subcommands: [Features.self]
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

        @Option(help: "Seed of the landmarkers' subsample.")
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
}
