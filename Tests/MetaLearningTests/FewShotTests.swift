import XCTest
import MetaTuneNumerics
import Neural
@testable import MetaLearning

/// The gradient-based meta-learners on the sinusoid benchmark and on a synthetic stand-in for
/// Fashion-MNIST (classes whose images differ by a bright stripe), kept small for debug builds.
final class FewShotTests: XCTestCase {
    private func settings(_ method: FewShotMethod, benchmark: String = "sinusoid", shots: Int = 10, iterations: Int,
                          metaBatch: Int = 5, innerSteps: Int? = nil) -> FewShotSettings {
        var settings = FewShotSettings.defaults(method: method, benchmark: benchmark, shots: shots, seed: 3)
        settings.iterations = iterations
        settings.metaBatch = metaBatch
        if let innerSteps { settings.innerSteps = innerSteps }
        return settings
    }

    func testMAMLAndFirstOrderMAMLAgreeWithoutInnerStepsAndDifferWithThem() throws {
        func weights(_ method: FewShotMethod, steps: Int) throws -> [[Float]] {
            let learner = try FewShotLearner(method: method, benchmark: SinusoidBenchmark(),
                                             settings: settings(method, iterations: 5, innerSteps: steps))
            try learner.train()
            return learner.model.parameters.map(\.data)
        }
        XCTAssertEqual(try weights(.maml, steps: 0), try weights(.fomaml, steps: 0))
        XCTAssertNotEqual(try weights(.maml, steps: 1), try weights(.fomaml, steps: 1))
    }

    func testMetaLearnedSinusoidInitialisationAdaptsBetterThanScratch() throws {
        let benchmark = SinusoidBenchmark()
        let maml = try FewShotLearner(method: .maml, benchmark: benchmark, settings: settings(.maml, iterations: 300))
        var reports: [FewShotProgress] = []
        try maml.train { reports.append($0) }
        XCTAssertEqual(reports.map(\.iteration), Array(stride(from: 30, through: 300, by: 30)))
        let scratch = try FewShotLearner(method: .scratch, benchmark: benchmark, settings: settings(.scratch, iterations: 0))
        let learned = try maml.evaluate(steps: [1, 10], episodes: 50)
        let baseline = try scratch.evaluate(steps: [1, 10], episodes: 50)
        XCTAssertEqual(learned.map(\.steps), [1, 10])
        XCTAssertEqual(learned[0].metric, "mse")
        // Sinusoids have mean square A²/2 ≈ 4.2: an untrained net adapting 10 steps stays near it.
        XCTAssertLessThan(learned[1].value, 0.8 * baseline[1].value, "MAML \(learned), scratch \(baseline)")
        XCTAssertLessThan(learned[1].value, learned[1].beforeAdaptation ?? 0, "adaptation did not help")
    }

    func testEveryMethodTrainsAndASavedModelEvaluatesTheSame() throws {
        let benchmark = SinusoidBenchmark()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fewshot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for method in [FewShotMethod.fomaml, .reptile, .metasgd, .anil, .pretrain] {
            let learner = try FewShotLearner(method: method, benchmark: benchmark, settings: settings(method, iterations: 20, metaBatch: 3))
            let initial = learner.model.parameters.map(\.data)
            try learner.train()
            XCTAssertNotEqual(learner.model.parameters.map(\.data), initial, "\(method) changed no weight")
            // ANIL's inner loop touches the head only, yet its meta-gradient reaches the body.
            XCTAssertNotEqual(learner.model.parameters[0].data, initial[0], "\(method) left the first layer alone")
            if method == .metasgd {
                XCTAssertTrue(learner.learningRates.contains { $0.data.contains { $0 != 0.01 } }, "Meta-SGD learned no learning rate")
            }
            let url = directory.appendingPathComponent("\(method).json")
            try learner.save(to: url)
            let loaded = try FewShotLearner.load(from: url, benchmark: benchmark)
            XCTAssertEqual(loaded.method, method)
            XCTAssertEqual(try loaded.evaluate(steps: [1], episodes: 5), try learner.evaluate(steps: [1], episodes: 5))
        }
    }

    func testMetaTrainingGivesTheSameWeightsOnOneThreadAndTwo() throws {
        defer { Engine.threads = 1 }
        func weights(_ method: FewShotMethod, threads: Int) throws -> [[Float]] {
            Engine.threads = threads
            let learner = try FewShotLearner(method: method, benchmark: SinusoidBenchmark(), settings: settings(method, iterations: 4, metaBatch: 5))
            try learner.train()
            return learner.model.parameters.map(\.data) + learner.learningRates.map(\.data)
        }
        for method in [FewShotMethod.maml, .reptile, .metasgd] {
            XCTAssertEqual(try weights(method, threads: 2), try weights(method, threads: 1), "\(method)")
        }
    }

    func testBaselinesFineTuneWithAdamOrTheHeadOnlyWithoutTouchingTheLearner() throws {
        let learner = try FewShotLearner(method: .pretrain, benchmark: SinusoidBenchmark(), settings: settings(.pretrain, iterations: 50))
        try learner.train()
        let weights = learner.model.parameters.map(\.data)
        let sgd = try learner.evaluate(steps: [20], episodes: 20)
        let adam = try learner.evaluate(steps: [20], episodes: 20, fineTuning: FewShotFineTuning(optimizer: .adam, learningRate: 0.01))
        let head = try learner.evaluate(steps: [20], episodes: 20,
                                        fineTuning: FewShotFineTuning(optimizer: .adam, learningRate: 0.01, headOnly: true))
        XCTAssertEqual(learner.model.parameters.map(\.data), weights, "fine-tuning adapts copies")
        XCTAssertEqual(adam[0].beforeAdaptation, sgd[0].beforeAdaptation, "the same episodes from the same start")
        let before = try XCTUnwrap(sgd[0].beforeAdaptation)
        XCTAssertEqual(try XCTUnwrap(head[0].beforeAdaptation), before, accuracy: 1e-4 * before, "the head over the body's features is the same function")
        XCTAssertNotEqual(adam[0].value, sgd[0].value)
        XCTAssertNotEqual(head[0].value, adam[0].value)
        XCTAssertTrue(head[0].json.contains("\"fine_tuning\":\"adam 0.01, head only\""), head[0].json)
        XCTAssertFalse(sgd[0].json.contains("fine_tuning"))
        XCTAssertThrowsError(try learner.evaluate(steps: [1], episodes: 2, fineTuning: FewShotFineTuning(optimizer: .adam)))
    }

    func testBadSettingsAndMismatchesAreClearErrors() throws {
        XCTAssertThrowsError(try FewShotLearner(method: .protonet, benchmark: SinusoidBenchmark(), settings: settings(.protonet, iterations: 1))) {
            XCTAssertTrue("\($0)".contains("regression"), "\($0)")
        }
        var bad = settings(.maml, iterations: 1)
        bad.innerLearningRate = .nan
        XCTAssertThrowsError(try FewShotLearner(method: .maml, benchmark: SinusoidBenchmark(), settings: bad))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-model-\(UUID().uuidString).json")
        try Data("{}".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        XCTAssertThrowsError(try FewShotLearner.load(from: file, benchmark: SinusoidBenchmark()))
    }

    /// Ten classes of 28×28 images: noise plus a bright horizontal stripe at a row set by the class.
    private func stripes(count: Int, seed: UInt64) -> Dataset {
        var generator = SeededGenerator(seed: seed)
        var features: [Float] = [], labels: [Int] = []
        for index in 0..<count {
            let label = index % 10
            var image = (0..<784).map { _ in Float(generator.nextUniform() * 0.3) }
            for column in 0..<28 { image[(2 + 2 * label) * 28 + column] = 1 }
            features += image
            labels.append(label)
        }
        return Dataset(features: features, labels: labels, featureCount: 784, classCount: 10, imageShape: [1, 28, 28])
    }

    func testFashionEpisodesAndPrototypicalNetworks() throws {
        let benchmark = try FashionFewShotBenchmark(training: stripes(count: 400, seed: 1), test: stripes(count: 400, seed: 2), ways: 4, queries: 5)
        var generator = SeededGenerator(seed: 9)
        let episode = benchmark.episode(.test, shots: 2, generator: &generator)
        XCTAssertEqual(episode.support.inputs.shape, [8, 1, 28, 28])
        XCTAssertEqual(episode.query.inputs.shape, [20, 1, 28, 28])
        guard case .labels(let labels, let classes) = episode.query.targets else { return XCTFail("no labels") }
        XCTAssertEqual(classes, 4)
        XCTAssertEqual(Dictionary(grouping: labels, by: { $0 }).mapValues(\.count), [0: 5, 1: 5, 2: 5, 3: 5])
        XCTAssertThrowsError(try FashionFewShotBenchmark(training: stripes(count: 100, seed: 1), test: stripes(count: 100, seed: 2), ways: 5))

        var protoSettings = settings(.protonet, benchmark: "fashion", shots: 2, iterations: 15, metaBatch: 2)
        protoSettings.metaLearningRate = 0.003
        let learner = try FewShotLearner(method: .protonet, benchmark: benchmark, settings: protoSettings)
        try learner.train()
        let score = try learner.evaluate(steps: [1, 5], episodes: 10)
        XCTAssertEqual(score.map(\.steps), [0], "Prototypical Networks have no inner steps")
        XCTAssertNil(score[0].beforeAdaptation)
        XCTAssertGreaterThan(score[0].value, 80, "stripes at distinct rows are easy to tell apart: \(score)")
    }

    func testMAMLRunsThroughTheConvolutionalNetwork() throws {
        let benchmark = try FashionFewShotBenchmark(training: stripes(count: 200, seed: 3), test: stripes(count: 200, seed: 4), ways: 2, queries: 3)
        let learner = try FewShotLearner(method: .maml, benchmark: benchmark,
                                         settings: settings(.maml, benchmark: "fashion", shots: 1, iterations: 2, metaBatch: 2))
        let before = learner.model.parameters.map(\.data)
        try learner.train()
        XCTAssertNotEqual(learner.model.parameters[0].data, before[0], "the second-order meta-gradient did not reach the first convolution")
        let scores = try learner.evaluate(steps: [0, 1], episodes: 4)
        XCTAssertEqual(scores.map(\.steps), [0, 1])
        XCTAssertTrue(scores.allSatisfy { $0.value >= 0 && $0.value <= 100 })
    }
}
