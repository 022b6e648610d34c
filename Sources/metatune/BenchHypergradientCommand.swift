import ArgumentParser
import Foundation
import MetaTune
import Neural

/// `metatune bench hypergradient`: hypergradient descent's claim checked on data sets.
struct BenchHypergradientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hypergradient",
        abstract: "Check hypergradient descent: SGD-HD and Adam-HD from a learning rate 10× too large or too small against the tuned fixed rate.",
        discussion: """
        For each data set (the bundled digits and every --data CSV with a 'label' column; split 80/20 stratified, \
        standardised): the fixed learning rate of SGD and of Adam is tuned on a grid (SGD 0.003–1, Adam 1e-4–0.03), \
        then the fixed rate and the hypergradient optimizer (default β) start 10× above and below it. An MLP with one \
        hidden layer of 128 ReLU units, batches of 32, --epochs epochs (or as many as make --steps steps); accuracies are the last epoch's, averaged over \
        --seeds seeds. Also the time per step with and without the hypergradient at the tuned rate. With --json, one \
        object per row: {"data", "optimizer", "start", "rate", "fixed_accuracy", "hd_accuracy", "hd_final_rate", "hdn_accuracy", "hdn_final_rate"} (hdn: the normalised rule), \
        then per optimizer {"data", "optimizer", "plain_s_per_step", "hd_s_per_step", "overhead"}.
        """
    )

    @Option(help: "A classification CSV (repeatable).") var data: [String] = []
    @Flag(help: "Leave out the bundled digits.") var noDigits = false
    @Option(parsing: .unconditional, help: "Epochs per run (default 20).") var epochs: Int?
    @Option(parsing: .unconditional, help: "Train each run for at least this many steps instead (whole epochs; the paper's runs are thousands of steps).")
    var steps: Int?
    @Option(parsing: .unconditional, help: "Seeds averaged per setting.") var seeds: Int = 2
    @Option(help: "β of the normalised rule (default 0.01).") var normalisedBeta: Float?
    @Flag(help: "Print JSON lines.") var json = false
    @Flag(help: "No progress output.") var quiet = false

    func run() throws {
        do {
            if let epochs { try NumberCheck.positive(epochs, "--epochs") }
            if let steps { try NumberCheck.positive(steps, "--steps") }
            if epochs != nil && steps != nil { throw UsageError("give --epochs or --steps, not both") }
            try NumberCheck.positive(seeds, "--seeds")
            if let normalisedBeta, !(normalisedBeta.isFinite && normalisedBeta > 0 && normalisedBeta < 1) {
                throw UsageError("--normalised-beta must be above 0 and below 1, not \(normalisedBeta)")
            }
            var sets: [(String, Dataset)] = noDigits ? [] : [("digits", try Dataset.digits())]
            for path in data { sets.append((URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, try Dataset.loadCSV(path: path))) }
            guard !sets.isEmpty else { throw UsageError("nothing to run: give --data or leave the digits in") }
            for (name, full) in sets {
                var flat = full
                flat.imageShape = nil
                let split = flat.stratifiedSplit(validationFraction: 0.2, seed: 0)
                let standardizer = Standardizer(fitting: split.train)
                let runEpochs = steps.map { HypergradientCheck.epochs(forSteps: $0, trainCount: split.train.count) } ?? epochs ?? 20
                if !quiet { FileHandle.standardError.write(Data("\(name): \(runEpochs) epochs per run\n".utf8)) }
                let (rows, overheads) = try HypergradientCheck.run(
                    train: standardizer.apply(split.train), validation: standardizer.apply(split.validation), epochs: runEpochs,
                    seeds: (0..<seeds).map(UInt64.init), normalisedRate: normalisedBeta) { step in
                    if !quiet { FileHandle.standardError.write(Data("\(name): \(step)\n".utf8)) }
                }
                for row in rows {
                    if json {
                        print("{\"data\":\(jsonString(name))," + row.json.dropFirst())
                    } else {
                        var hd = row.hypergradientAccuracy.map { String(format: ", hypergradient %.4f (rate ends at %.3g)", $0, row.finalRate ?? .nan) } ?? ""
                        hd += row.normalisedAccuracy.map { String(format: ", normalised %.4f (rate ends at %.3g)", $0, row.normalisedFinalRate ?? .nan) } ?? ""
                        print(String(format: "%@ %@ from %@ rate %.3g: fixed %.4f%@", name, row.optimizer, row.start, row.rate, row.fixedAccuracy, hd))
                    }
                }
                for overhead in overheads {
                    if json {
                        var object = OrderedJSONObject()
                        object.add("data", name)
                        object.add("optimizer", overhead.optimizer)
                        object.add("plain_s_per_step", overhead.plainSecondsPerStep)
                        object.add("hd_s_per_step", overhead.hypergradientSecondsPerStep)
                        object.add("overhead", overhead.overhead)
                        print(object.text)
                    } else {
                        print(String(format: "%@ %@: %.1f µs per step plain, %.1f with the hypergradient (%+.1f %%)", name, overhead.optimizer,
                                     1e6 * overhead.plainSecondsPerStep, 1e6 * overhead.hypergradientSecondsPerStep, 100 * overhead.overhead))
                    }
                }
            }
        } catch {
            failClearly(error)
        }
    }
}
