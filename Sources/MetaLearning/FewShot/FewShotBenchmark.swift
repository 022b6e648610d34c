import Foundation
import MetaTuneNumerics
import Neural

/// Which tasks an episode is drawn from: meta-training, meta-validation (what tuning a
/// meta-learner's hyperparameters scores) or meta-testing (reported, never tuned on).
public enum FewShotSplit: String, Sendable, CaseIterable {
    case train, validation, test
}

/// A family of few-shot tasks and the network meta-learned on it.
public protocol FewShotBenchmark: AnyObject, Sendable {
    /// The benchmark's name on the command line.
    var name: String { get }
    /// Classes per episode (classification), nil for regression.
    var ways: Int? { get }
    /// The network, initialised from `seed` as PyTorch initialises by default, with `outputs`
    /// units in its last layer (the head ANIL adapts and Prototypical Networks leave out).
    func makeModel(outputs: Int, seed: UInt64) -> Sequential
    /// The outputs of the network meta-learned (the ways, or 1 for regression).
    var outputs: Int { get }
    /// One task of `split` with `shots` support examples (per class); its query set is as large
    /// as the protocol says (bigger at evaluation for regression).
    func episode(_ split: FewShotSplit, shots: Int, generator: inout SeededGenerator) -> FewShotEpisode
    /// The most support examples (per class) an episode can have.
    var maximumShots: Int { get }
    /// The outputs of the pre-training baseline's network (the meta-training classes, or 1).
    var pretrainingOutputs: Int { get }
    /// `size` meta-training examples pooled over tasks (or all meta-training classes): what the
    /// pre-training baseline fits before it fine-tunes on each test task.
    func pretrainingBatch(size: Int, generator: inout SeededGenerator) -> FewShotSet
}

/// Sinusoid regression in MAML's protocol: y = A·sin(x − φ) with A ~ U[0.1, 5], φ ~ U[0, π],
/// x ~ U[−5, 5]; an MLP 1-40-40-1 with ReLU. Meta-training episodes have K query points,
/// validation and test episodes 100.
public final class SinusoidBenchmark: FewShotBenchmark {
    public let name = "sinusoid"
    public let ways: Int? = nil
    public let outputs = 1
    public let pretrainingOutputs = 1
    /// Query points of validation and test episodes.
    public let evaluationQueries = 100
    public let maximumShots = Int.max

    public init() {}

    public func makeModel(outputs: Int, seed: UInt64) -> Sequential {
        var generator = SplitMix64(state: seed)
        return Sequential([Dense(1, 40, protocolInit: &generator), ActivationLayer(.relu),
                           Dense(40, 40, protocolInit: &generator), ActivationLayer(.relu),
                           Dense(40, outputs, protocolInit: &generator)])
    }

    public func episode(_ split: FewShotSplit, shots: Int, generator: inout SeededGenerator) -> FewShotEpisode {
        let amplitude = Float(0.1 + 4.9 * generator.nextUniform()), phase = Float(Double.pi * generator.nextUniform())
        func points(_ count: Int) -> FewShotSet {
            let xs = (0..<count).map { _ in Float(-5 + 10 * generator.nextUniform()) }
            return FewShotSet(inputs: Tensor(shape: [count, 1], data: xs), targets: .values(xs.map { amplitude * sin($0 - phase) }))
        }
        let support = points(shots)
        return FewShotEpisode(support: support, query: points(split == .train ? shots : evaluationQueries))
    }

    public func pretrainingBatch(size: Int, generator: inout SeededGenerator) -> FewShotSet {
        var xs: [Float] = [], ys: [Float] = []
        for _ in 0..<size {
            let amplitude = 0.1 + 4.9 * generator.nextUniform(), phase = Double.pi * generator.nextUniform()
            let x = -5 + 10 * generator.nextUniform()
            xs.append(Float(x))
            ys.append(Float(amplitude * Foundation.sin(x - phase)))
        }
        return FewShotSet(inputs: Tensor(shape: [size, 1], data: xs), targets: .values(ys))
    }
}

/// The few-shot benchmarks by name.
public enum FewShotBenchmarks {
    /// The names `make` knows.
    public static let names = ["sinusoid", "fashion"]

    /// The benchmark called `name`; `ways` and `fashionDirectory` (the Fashion-MNIST files)
    /// matter for classification only.
    public static func make(_ name: String, ways: Int = 4, fashionDirectory: String = FashionFewShotBenchmark.debianDirectory) throws -> FewShotBenchmark {
        switch name {
        case "sinusoid": return SinusoidBenchmark()
        case "fashion": return try FashionFewShotBenchmark.load(directory: fashionDirectory, ways: ways)
        default: throw FewShotError("unknown few-shot benchmark '\(name)' (expected one of: \(names.joined(separator: ", ")))")
        }
    }
}
