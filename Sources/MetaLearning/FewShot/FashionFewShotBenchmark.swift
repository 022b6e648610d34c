import Foundation
import MetaTuneNumerics
import Neural

/// Few-shot classification on Fashion-MNIST: classes 0–5 of the training file for meta-training,
/// the same classes' images of the test file for meta-validation, classes 6–9 of the test file
/// for meta-testing; `ways`-way episodes with `shots` support and `queries` query images per
/// class. The network: three blocks of a 3×3 convolution with 16 channels, ReLU and 2×2 max
/// pooling (28 → 14 → 7 → 3), then a linear head from the 144 features.
public final class FashionFewShotBenchmark: FewShotBenchmark {
    public let name = "fashion"
    public let ways: Int?
    /// Query images per class and episode.
    public let queries: Int
    public let pretrainingOutputs = FashionFewShotBenchmark.trainingClasses.count
    public var outputs: Int { ways ?? 0 }
    static let trainingClasses = Array(0..<6)
    static let testClasses = Array(6..<10)
    private let training: Dataset
    private let test: Dataset
    /// Row indices by split, then by class.
    private let rows: [FewShotSplit: [[Int]]]

    /// From the Fashion-MNIST training and test files (28×28 images, labels 0–9).
    public init(training: Dataset, test: Dataset, ways: Int = 4, queries: Int = 15) throws {
        for (data, role) in [(training, "training"), (test, "test")] {
            guard data.imageShape == [1, 28, 28], data.classCount == 10 else {
                throw FewShotError("the Fashion-MNIST \(role) file must hold 28×28 images of 10 classes")
            }
        }
        guard (2...Self.testClasses.count).contains(ways) else {
            throw FewShotError("fashion episodes take 2 to \(Self.testClasses.count) ways (the meta-test classes), not \(ways)")
        }
        guard queries >= 1 else { throw FewShotError("an episode needs at least one query image per class") }
        self.training = training
        self.test = test
        self.ways = ways
        self.queries = queries
        func byClass(_ data: Dataset, _ classes: [Int]) -> [[Int]] {
            classes.map { c in data.labels.indices.filter { data.labels[$0] == c } }
        }
        rows = [.train: byClass(training, Self.trainingClasses), .validation: byClass(test, Self.trainingClasses),
                .test: byClass(test, Self.testClasses)]
    }

    /// Where Debian's package `dataset-fashion-mnist` puts the four IDX files (gzipped).
    public static let debianDirectory = "/usr/share/datasets/fashion-mnist"

    /// Reads `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
    /// `t10k-labels-idx1-ubyte` (each plain or `.gz`) from `directory`.
    public static func load(directory: String = debianDirectory, ways: Int = 4, queries: Int = 15) throws -> FashionFewShotBenchmark {
        func file(_ stem: String) throws -> String {
            for name in [stem, stem + ".gz"] where FileManager.default.fileExists(atPath: directory + "/" + name) {
                return directory + "/" + name
            }
            throw FewShotError("\(directory) holds no \(stem)[.gz]: install Debian's dataset-fashion-mnist (make fashion-data) or point to the Fashion-MNIST files")
        }
        let training = try Dataset.loadIDX(images: try file("train-images-idx3-ubyte"), labels: try file("train-labels-idx1-ubyte"))
        let test = try Dataset.loadIDX(images: try file("t10k-images-idx3-ubyte"), labels: try file("t10k-labels-idx1-ubyte"))
        return try FashionFewShotBenchmark(training: training, test: test, ways: ways, queries: queries)
    }

    public func makeModel(outputs: Int, seed: UInt64) -> Sequential {
        var generator = SplitMix64(state: seed)
        var layers: [Layer] = []
        for channels in [1, 16, 16] {
            layers += [Conv2D(channels, 16, kernel: 3, padding: 1, protocolInit: &generator), ActivationLayer(.relu), MaxPool2D(size: 2)]
        }
        return Sequential(layers + [FlattenLayer(), Dense(16 * 3 * 3, outputs, protocolInit: &generator)])
    }

    public var maximumShots: Int {
        rows.values.flatMap { $0 }.map(\.count).min().map { $0 - queries } ?? 0
    }

    public func episode(_ split: FewShotSplit, shots: Int, generator: inout SeededGenerator) -> FewShotEpisode {
        let source = split == .train ? training : test
        let classes = rows[split] ?? []
        let chosen = Array(shuffled(Array(classes.indices), &generator).prefix(ways ?? 0))
        var support: [Int] = [], supportLabels: [Int] = [], query: [Int] = [], queryLabels: [Int] = []
        for (label, c) in chosen.enumerated() {
            let picked = sample(classes[c], shots + queries, &generator)
            support += picked.prefix(shots)
            supportLabels += [Int](repeating: label, count: shots)
            query += picked.dropFirst(shots)
            queryLabels += [Int](repeating: label, count: queries)
        }
        let ways = chosen.count
        return FewShotEpisode(support: images(source, support, .labels(supportLabels, classes: ways)),
                              query: images(source, query, .labels(queryLabels, classes: ways)))
    }

    public func pretrainingBatch(size: Int, generator: inout SeededGenerator) -> FewShotSet {
        let pool = rows[.train] ?? []
        var picked: [Int] = [], labels: [Int] = []
        for _ in 0..<size {
            let c = generator.nextIndex(below: pool.count)
            picked.append(pool[c][generator.nextIndex(below: pool[c].count)])
            labels.append(c)
        }
        return images(training, picked, .labels(labels, classes: pool.count))
    }

    private func images(_ data: Dataset, _ indices: [Int], _ targets: FewShotTargets) -> FewShotSet {
        let subset = data.subset(indices)
        return FewShotSet(inputs: Tensor(shape: [indices.count, 1, 28, 28], data: subset.features), targets: targets)
    }

    /// `count` distinct elements of `pool` in random order (Fisher–Yates on a copy, stopped early).
    private func sample(_ pool: [Int], _ count: Int, _ generator: inout SeededGenerator) -> [Int] {
        var pool = pool
        let count = min(count, pool.count)
        for i in 0..<count { pool.swapAt(i, i + generator.nextIndex(below: pool.count - i)) }
        return Array(pool.prefix(count))
    }

    private func shuffled(_ values: [Int], _ generator: inout SeededGenerator) -> [Int] {
        sample(values, values.count, &generator)
    }
}

/// Why a few-shot benchmark, method or model file cannot be used.
public struct FewShotError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
