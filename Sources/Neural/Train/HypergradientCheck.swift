import Foundation

/// The claim of hypergradient descent (Baydin et al., ICLR 2018), checked on one data set: with
/// SGD and with Adam, the fixed learning rate is tuned on a grid; then, started 10× too large and
/// 10× too small, the fixed rate and the hypergradient one (SGD-HD, Adam-HD) train the same MLP,
/// (additive, the paper's rule, and normalised) and each reaches a validation accuracy (the mean over seeds of the last epoch's). Also the time
/// per step with and without the hypergradient at the tuned rate.
public enum HypergradientCheck {
    /// One (optimizer, start) outcome.
    public struct Row: Sendable {
        /// "sgd" or "adam".
        public let optimizer: String
        /// "tuned", "10x" or "0.1x".
        public let start: String
        /// The learning rate the runs start from.
        public let rate: Float
        /// Mean validation accuracy with that rate held fixed.
        public let fixedAccuracy: Double
        /// Mean validation accuracy of the hypergradient variant from that rate (nil for "tuned").
        public let hypergradientAccuracy: Double?
        /// Mean final learning rate of the hypergradient runs.
        public let finalRate: Double?
        /// The same with the normalised rule (`sgd-hdn`, `adam-hdn`).
        public let normalisedAccuracy: Double?
        public let normalisedFinalRate: Double?

        /// One JSON object.
        public var json: String {
            func number(_ value: Double?) -> String { value.map { "\($0)" } ?? "null" }
            return "{\"optimizer\":\"\(optimizer)\",\"start\":\"\(start)\",\"rate\":\(rate),\"fixed_accuracy\":\(fixedAccuracy),"
                + "\"hd_accuracy\":\(number(hypergradientAccuracy)),\"hd_final_rate\":\(number(finalRate)),"
                + "\"hdn_accuracy\":\(number(normalisedAccuracy)),\"hdn_final_rate\":\(number(normalisedFinalRate))}"
        }
    }

    /// Seconds per training step of plain and hypergradient training at one rate.
    public struct Overhead: Sendable {
        public let optimizer: String
        public let plainSecondsPerStep: Double
        public let hypergradientSecondsPerStep: Double
        /// hypergradient / plain − 1.
        public var overhead: Double { hypergradientSecondsPerStep / plainSecondsPerStep - 1 }
    }

    /// The grids the fixed rates are tuned on.
    public static let sgdGrid: [Float] = [0.003, 0.01, 0.03, 0.1, 0.3, 1]
    public static let adamGrid: [Float] = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2]

    /// The batch size of every run.
    public static let batchSize = 32

    /// Whole epochs that make at least `steps` training steps on `trainCount` rows (at least one).
    public static func epochs(forSteps steps: Int, trainCount: Int) -> Int {
        let perEpoch = max(1, (trainCount + batchSize - 1) / batchSize)
        return max(1, (steps + perEpoch - 1) / perEpoch)
    }

    /// Runs the check: an MLP (one hidden layer of 128 ReLU units), batches of 32, `epochs`
    /// epochs, the mean over `seeds`; `normalisedRate` is β of the normalised rule (nil: its
    /// default); `progress` names each run as it starts.
    public static func run(train: Dataset, validation: Dataset, epochs: Int = 20, seeds: [UInt64] = [0, 1], normalisedRate: Float? = nil,
                           progress: ((String) -> Void)? = nil) throws -> (rows: [Row], overheads: [Overhead]) {
        var rows: [Row] = [], overheads: [Overhead] = []
        for (name, plain, adaptive, normalised, grid) in [("sgd", OptimizerKind.sgd, OptimizerKind.sgdHD, OptimizerKind.sgdHDN, sgdGrid),
                                                          ("adam", OptimizerKind.adam, OptimizerKind.adamHD, OptimizerKind.adamHDN, adamGrid)] {
            func mean(_ kind: OptimizerKind, _ rate: Float) throws -> (accuracy: Double, rate: Double, secondsPerStep: Double) {
                progress?("\(kind.rawValue) from \(rate)")
                var accuracy = 0.0, finalRate = 0.0, seconds = 0.0
                for seed in seeds {
                    let beta = kind == .sgdHDN || kind == .adamHDN ? normalisedRate : nil
                    let outcome = try trainOnce(kind, rate: rate, hypergradientRate: beta, seed: seed, epochs: epochs, train: train,
                                                validation: validation)
                    accuracy += outcome.accuracy / Double(seeds.count)
                    finalRate += outcome.finalRate / Double(seeds.count)
                    seconds += outcome.secondsPerStep / Double(seeds.count)
                }
                return (accuracy, finalRate, seconds)
            }
            var best: (rate: Float, accuracy: Double, seconds: Double)?
            for rate in grid {
                let outcome = try mean(plain, rate)
                if best.map({ outcome.accuracy > $0.accuracy }) ?? true { best = (rate, outcome.accuracy, outcome.secondsPerStep) }
            }
            guard let best else { continue }
            rows.append(Row(optimizer: name, start: "tuned", rate: best.rate, fixedAccuracy: best.accuracy, hypergradientAccuracy: nil, finalRate: nil,
                            normalisedAccuracy: nil, normalisedFinalRate: nil))
            let atTuned = try mean(adaptive, best.rate)
            overheads.append(Overhead(optimizer: name, plainSecondsPerStep: best.seconds, hypergradientSecondsPerStep: atTuned.secondsPerStep))
            for (label, factor) in [("10x", Float(10)), ("0.1x", Float(0.1))] {
                let fixed = try mean(plain, best.rate * factor), hd = try mean(adaptive, best.rate * factor)
                let hdn = try mean(normalised, best.rate * factor)
                rows.append(Row(optimizer: name, start: label, rate: best.rate * factor, fixedAccuracy: fixed.accuracy,
                                hypergradientAccuracy: hd.accuracy, finalRate: hd.rate, normalisedAccuracy: hdn.accuracy,
                                normalisedFinalRate: hdn.rate))
            }
        }
        return (rows, overheads)
    }

    /// One training run: its last epoch's validation accuracy (0 when it diverged), final rate
    /// and seconds per step.
    private static func trainOnce(_ kind: OptimizerKind, rate: Float, hypergradientRate: Float?, seed: UInt64, epochs: Int, train: Dataset,
                              validation: Dataset) throws -> (accuracy: Double, finalRate: Double, secondsPerStep: Double) {
        let model = Architectures.mlp(inputs: train.featureCount, classes: train.classCount, depth: 1, width: 128, activation: .relu,
                                      dropout: 0, seed: seed)
        var configuration = TrainingConfiguration()
        configuration.epochs = epochs
        configuration.optimizer = kind
        configuration.learningRate = rate
        configuration.hypergradientRate = hypergradientRate
        configuration.momentum = 0
        configuration.seed = seed
        configuration.batchSize = batchSize
        let session = try TrainingSession(model: model, train: train, validation: validation, configuration: configuration)
        let start = Date()
        do {
            try session.advance(toEpoch: epochs)
        } catch is TrainingError {
            return (0, Double(session.learningRate), .nan)  // diverged: as good as guessing at best
        }
        let steps = Double(epochs * ((train.count + configuration.batchSize - 1) / configuration.batchSize))
        return (session.reports.last?.validationAccuracy ?? 0, Double(session.learningRate), Date().timeIntervalSince(start) / steps)
    }
}
