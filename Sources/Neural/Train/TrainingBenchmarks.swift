import Foundation
import MetaTuneNumerics

/// The training benchmarks of the shared protocol (../shared/bench/dl.md): data, initialisation, batch
/// order and optimizer exactly as specified, so throughput can be compared with other engines.
public enum TrainingBenchmark: String, CaseIterable, Sendable {
    case digitsMLP = "digits-mlp"
    case mnistMLP = "mnist-mlp"
    case smallCNN = "small-cnn"

    /// The outcome: training samples per second (median over repetitions), the median timed
    /// seconds, and for DIGITS-MLP the median validation accuracy.
    public struct Result: Sendable {
        public let benchmark: TrainingBenchmark
        public let threads: Int
        public let samplesPerSecond: Double
        public let seconds: Double
        public let validationAccuracy: Double?
        public let allSeconds: [Double]
        /// The loss of the last batch (throughput benchmarks).
        public let lastBatchLoss: Float?

        /// The documented one-line JSON form.
        public var json: String {
            var parts = ["\"protocol\":\"\(benchmark.rawValue)\"", "\"threads\":\(threads)",
                         "\"samples_per_sec\":\(samplesPerSecond)", "\"seconds\":\(seconds)"]
            if let validationAccuracy { parts.append("\"val_acc\":\(validationAccuracy)") }
            parts.append("\"seconds_all\":[" + allSeconds.map { "\($0)" }.joined(separator: ",") + "]")
            if let lastBatchLoss { parts.append("\"last_batch_loss\":\(lastBatchLoss)") }
            return "{" + parts.joined(separator: ",") + "}"
        }
    }

    /// Runs the benchmark with `threads` BLAS threads; `quick` is the protocol's quick mode.
    public func run(threads: Int, quick: Bool) throws -> Result {
        Engine.threads = threads
        switch self {
        case .digitsMLP: return try Self.digits(threads: threads, quick: quick)
        case .mnistMLP: return Self.mnistShaped(threads: threads, quick: quick)
        case .smallCNN: return Self.smallCNN(threads: threads, quick: quick)
        }
    }

    // MARK: - DIGITS-MLP

    private static func digits(threads: Int, quick: Bool) throws -> Result {
        var data = try Dataset.digits()
        data.imageShape = nil
        let train = data.subset(Array(0..<1437)), validation = data.subset(Array(1437..<1797))
        func model(seed: UInt64) -> Sequential {
            var generator = SplitMix64(state: seed)
            return Sequential([Dense(64, 128, protocolInit: &generator), ActivationLayer(.relu),
                               Dense(128, 10, protocolInit: &generator)])
        }
        // Warm-up: one untimed epoch of a throw-away model.
        var warmOrder = SplitMix64(state: 998)
        let warm = model(seed: 999)
        _ = trainEpoch(warm, Adam(parameters: warm.parameters), train, order: warmOrder.permutation(train.count), batch: 32)
        var seconds: [Double] = [], accuracies: [Double] = []
        for run in 0..<(quick ? 3 : 5) {
            let net = model(seed: 1000 + UInt64(run))
            let optimizer = Adam(parameters: net.parameters)
            var order = SplitMix64(state: 2000 + UInt64(run))
            let permutations = (0..<30).map { _ in order.permutation(train.count) }
            let start = DispatchTime.now().uptimeNanoseconds
            for permutation in permutations { _ = trainEpoch(net, optimizer, train, order: permutation, batch: 32) }
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            accuracies.append(Trainer.evaluate(net, validation).accuracy)
        }
        let median = Statistics.median(seconds)!
        return Result(benchmark: .digitsMLP, threads: threads, samplesPerSecond: 30 * 1437 / median, seconds: median,
                      validationAccuracy: Statistics.median(accuracies), allSeconds: seconds, lastBatchLoss: nil)
    }

    // MARK: - MNIST-SHAPED-MLP

    /// The synthetic MNIST-shaped data set of the protocol: u24 pixels, teacher labels.
    static func mnistShapedData(count: Int, dataSeed: UInt64, teacherSeed: UInt64, imageShape: [Int]? = nil) -> Dataset {
        var pixels = SplitMix64(state: dataSeed)
        let features = (0..<(count * 784)).map { _ in pixels.nextU24() }
        var teacherGenerator = SplitMix64(state: teacherSeed)
        let teacher = (0..<(784 * 10)).map { _ in 2 * teacherGenerator.nextU53() - 1 }
        var labels = [Int](repeating: 0, count: count)
        for n in 0..<count {
            var scores = [Double](repeating: 0, count: 10)
            for j in 0..<784 {
                let x = Double(features[n * 784 + j]) - 0.5
                for k in 0..<10 { scores[k] += x * teacher[j * 10 + k] }
            }
            labels[n] = scores.indices.max { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 > $1) }!
        }
        return Dataset(features: features, labels: labels, featureCount: 784, classCount: 10, imageShape: imageShape)
    }

    private static func mnistShaped(threads: Int, quick: Bool) -> Result {
        let n = quick ? 12_000 : 60_000
        let data = mnistShapedData(count: n, dataSeed: 42, teacherSeed: 43)
        var initGenerator = SplitMix64(state: 1042)
        let net = Sequential([Dense(784, 256, protocolInit: &initGenerator), ActivationLayer(.relu),
                              Dense(256, 128, protocolInit: &initGenerator), ActivationLayer(.relu),
                              Dense(128, 10, protocolInit: &initGenerator)])
        return throughput(.mnistMLP, net, data, batch: 128, orderSeed: 2042, threads: threads, quick: quick)
    }

    // MARK: - SMALL-CNN

    private static func smallCNN(threads: Int, quick: Bool) -> Result {
        let n = quick ? 2_000 : 10_000
        let data = mnistShapedData(count: n, dataSeed: 52, teacherSeed: 53, imageShape: [1, 28, 28])
        var initGenerator = SplitMix64(state: 1052)
        let net = Sequential([Conv2D(1, 16, kernel: 3, padding: 1, protocolInit: &initGenerator), ActivationLayer(.relu),
                              MaxPool2D(size: 2),
                              Conv2D(16, 32, kernel: 3, padding: 1, protocolInit: &initGenerator), ActivationLayer(.relu),
                              MaxPool2D(size: 2), FlattenLayer(),
                              Dense(1568, 10, protocolInit: &initGenerator)])
        return throughput(.smallCNN, net, data, batch: 64, orderSeed: 2052, threads: threads, quick: quick)
    }

    /// The throughput protocol: 20 warm-up steps from the first permutation, then timed epochs.
    private static func throughput(_ benchmark: TrainingBenchmark, _ net: Sequential, _ data: Dataset, batch: Int,
                                   orderSeed: UInt64, threads: Int, quick: Bool) -> Result {
        let optimizer = Adam(parameters: net.parameters)
        var order = SplitMix64(state: orderSeed)
        let warmUp = order.permutation(data.count)
        _ = trainEpoch(net, optimizer, data, order: Array(warmUp.prefix(20 * batch)), batch: batch)
        var seconds: [Double] = []
        var lastLoss: Float = .nan
        for _ in 0..<(quick ? 3 : 5) {
            let permutation = order.permutation(data.count)
            let start = DispatchTime.now().uptimeNanoseconds
            lastLoss = trainEpoch(net, optimizer, data, order: permutation, batch: batch)
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let median = Statistics.median(seconds)!
        return Result(benchmark: benchmark, threads: threads, samplesPerSecond: Double(data.count) / median, seconds: median,
                      validationAccuracy: nil, allSeconds: seconds, lastBatchLoss: lastLoss)
    }

    // MARK: - Shared steps

    /// One epoch over `order` in batches (the last partial batch kept); returns the last batch's loss.
    static func trainEpoch(_ model: Sequential, _ optimizer: Optimizer, _ data: Dataset, order: [Int], batch: Int) -> Float {
        var context = ForwardContext(training: true)
        var last: Tensor?
        for start in stride(from: 0, to: order.count, by: batch) {
            let (x, y) = data.batch(order[start..<min(start + batch, order.count)])
            let loss = model.forward(x, &context).softmaxCrossEntropy(labels: y)
            optimizer.zeroGrad()
            loss.backward()
            optimizer.step()
            last = loss
        }
        return last?.scalar ?? .nan
    }
}
