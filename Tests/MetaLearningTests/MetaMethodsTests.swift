import XCTest
import MetaTune
import MetaTuneTasks
import MetaTuneNumerics
import TestSupport
@testable import MetaLearning

final class MetaMethodsTests: XCTestCase {
    private func features(_ logRows: Double, _ classes: Double) -> MetaFeatures {
        var values = Dictionary(uniqueKeysWithValues: MetaFeatures.names.map { ($0, 0.0) })
        values["log_rows"] = logRows
        values["classes"] = classes
        return MetaFeatures(values: values)
    }

    private func config(_ lr: Double) -> [String: ParamValue] { ["learning_rate": .float(lr)] }

    func testNearestTasksAreFoundInStandardisedMetaFeatureSpace() {
        // log_rows varies by thousands of units less than nothing: standardisation makes both count.
        let tasks = [
            PastTask(name: "small-binary", metaFeatures: features(5, 2), trials: [PastTrial(params: config(0.1), score: 0.9),
                                                                                 PastTrial(params: config(0.01), score: 0.8)]),
            PastTask(name: "large-binary", metaFeatures: features(10, 2), trials: [PastTrial(params: config(0.001), score: 0.7)]),
            PastTask(name: "small-multi", metaFeatures: features(5, 10), trials: [PastTrial(params: config(0.03), score: 0.6)]),
        ]
        let nearest = NearestTasks(knowledge: KnowledgeBase(tasks: tasks))
        XCTAssertEqual(nearest.nearest(to: features(5.5, 2), k: 2).map(\.task.name), ["small-binary", "large-binary"])
        XCTAssertEqual(nearest.nearest(to: features(5, 9), k: 1).map(\.task.name), ["small-multi"])
        // The warm start takes each neighbour's best, nearest first, then the second bests.
        let warm = nearest.warmStart(for: features(5.5, 2), k: 2, count: 3)
        XCTAssertEqual(warm.map(\.params), [config(0.1), config(0.001), config(0.01)])
        XCTAssertTrue(warm[0].origin.contains("small-binary"))
    }

    /// Three tasks, three contending pool configurations (A, B, C) and two fillers at the median.
    /// scores: t1 and t2 A 1.0 B 0.8 C 0.0, t3 A 0 B 0.8 C 1 (+ fillers 0.5, 0.5 for the median).
    private func contendingKnowledge() -> KnowledgeBase {
        func task(_ name: String, _ a: Double, _ b: Double, _ c: Double) -> PastTask {
            PastTask(name: name, metaFeatures: features(5, 2), trials: [
                PastTrial(params: config(0.1), score: a, configIndex: 0),
                PastTrial(params: config(0.2), score: b, configIndex: 1),
                PastTrial(params: config(0.3), score: c, configIndex: 2),
                PastTrial(params: config(0.4), score: 0.5, configIndex: 3),
                PastTrial(params: config(0.5), score: 0.5, configIndex: 4),
            ])
        }
        return KnowledgeBase(tasks: [task("t1", 1, 0.8, 0), task("t2", 1, 0.8, 0), task("t3", 0, 0.8, 1)])
    }

    func testGreedyPortfolioMinimisesMeanRegretStepByStep() {
        // Per task, regret = (best − score)/(best − median) with median 0.5, and an empty portfolio
        // counts as the median (regret 1).
        // t1 and t2 (A 1, B .8, C 0): A 0, B .4, C 2.   t3 (A 0, B .8, C 1): A 2, B .4, C 0.
        // Step 1: A → (0, 0, min(1, 2)) = 1; B → (.4, .4, .4) = 1.2; C → (1, 1, 0) = 2 → A.
        // Step 2: from (0, 0, 1): B → (0, 0, .4) = .4; C → (0, 0, 0) = 0 → C.   Step 3: B.
        let knowledge = contendingKnowledge()
        let portfolio = GreedyPortfolio.build(from: knowledge, size: 3)
        XCTAssertEqual(portfolio.map(\.params), [config(0.1), config(0.3), config(0.2)])
    }

    /// A base model that orders the target's observations perfectly wins all the weight against
    /// one that orders them backwards; the target model shares when it is as good.
    func testRankingWeightsFavourTheModelThatRanksTheTargetCorrectly() {
        var generator = SeededGenerator(seeds: [1])
        let targets = [0.1, 0.5, 0.2, 0.9, 0.4, 0.7]
        let good = targets.map { 2 * $0 + 1 }
        let backwards = targets.map { -$0 }
        let noisyTarget = [0.5, 0.1, 0.9, 0.2, 0.7, 0.4]
        let weights = RankingWeights.weights(predictions: [good, backwards, noisyTarget], targets: targets, using: &generator)
        XCTAssertEqual(weights[0], 1, accuracy: 1e-9)
        XCTAssertEqual(weights[1], 0)
        XCTAssertEqual(weights[2], 0, accuracy: 1e-9)
        let tie = RankingWeights.weights(predictions: [good, targets], targets: targets, using: &generator)
        XCTAssertEqual(tie[0], 0.5, accuracy: 1e-9)
        XCTAssertEqual(tie[1], 0.5, accuracy: 1e-9)
        // With one observation there is no pair to rank: equal weights.
        XCTAssertEqual(RankingWeights.weights(predictions: [[1], [2]], targets: [0], using: &generator), [0.5, 0.5])
    }

    func testWarmStartSamplerProposesItsConfigurationsThenHandsOver() throws {
        let space = try SearchSpaceFile.parse("learning_rate: {type: float, low: 1.0e-4, high: 1.0, log: true}")
        let sampler = WarmStartSampler(initial: [(config(0.1), "first"), (config(0.01), "second")],
                                       base: RandomSampler(seed: 3), space: space)
        let study = try Study.create(name: "warm", sampler: sampler)
        var suggested: [Double] = []
        for _ in 0..<4 {
            let trial = try study.ask(space: space)
            suggested.append(trial.params["learning_rate"]!.doubleValue!)
            try study.tell(trial, value: 1)
        }
        XCTAssertEqual(Array(suggested.prefix(2)), [0.1, 0.01])
        XCTAssertFalse([0.1, 0.01].contains(suggested[2]))
        XCTAssertEqual(sampler.origin(ofTrial: 1), "second")
        XCTAssertNil(sampler.origin(ofTrial: 2))
    }

    /// Under a scheduler the warm start hands over to the scheduler's sampler instead of the GP;
    /// RGPE, which has no warm start, refuses a base.
    func testAWarmStartHandsOverToTheBaseSamplerItIsGiven() throws {
        let space = try SearchSpaceFile.parse("learning_rate: {type: float, low: 0.05, high: 0.6}")
        let base = RandomSampler(seed: 7)
        let sampler = try MetaMethod.portfolio.sampler(knowledge: contendingKnowledge(), metaFeatures: nil, space: space,
                                                       seed: 1, warmStartCount: 2, base: base)
        let warm = try XCTUnwrap(sampler as? WarmStartSampler)
        XCTAssertEqual(warm.initial.map(\.params), [config(0.1), config(0.3)])
        XCTAssertTrue(warm.base is RandomSampler)
        let plain = try MetaMethod.portfolio.sampler(knowledge: contendingKnowledge(), metaFeatures: nil, space: space, seed: 1)
        XCTAssertTrue(try XCTUnwrap(plain as? WarmStartSampler).base is GPSampler)
        XCTAssertTrue(try MetaMethod.none.sampler(knowledge: contendingKnowledge(), metaFeatures: nil, space: space, seed: 1,
                                                  base: base) is RandomSampler)
        XCTAssertThrowsError(try MetaMethod.rgpe.sampler(knowledge: contendingKnowledge(), metaFeatures: nil, space: space,
                                                         seed: 1, base: base))
    }

    func testKnowledgeBaseFileRoundTripsAndRejectsGarbage() throws {
        let directory = try TemporaryDirectory()
        let own: [String: ParamValue] = ["learning_rate": .float(1), "units": .int(3), "flag": .bool(true), "choice": .string("auto")]
        let knowledge = KnowledgeBase(tasks: [
            PastTask(name: "a", metaFeatures: features(5, 2), trials: [
                PastTrial(params: config(0.1), score: 0.91234567, configIndex: 0, curve: [0.5, 0.91234567]),
                PastTrial(params: config(0.7), score: 0.5),
                PastTrial(params: own, score: 0.25),
                PastTrial(params: ["choice": .int(2)], score: 0.125),
            ], objective: ObjectiveSignature(metric: "value", model: nil, epochs: nil)),
            PastTask(name: "b", metaFeatures: nil, trials: [PastTrial(params: config(0.1), score: 0.7, configIndex: 0)]),
        ])
        try KnowledgeBaseFile.write(knowledge, to: directory.path("kb.json"))
        let read = try KnowledgeBaseFile.read(path: directory.path("kb.json"))
        XCTAssertEqual(read.tasks.map(\.name), ["a", "b"])
        XCTAssertEqual(read.tasks[0].trials[0].score, 0.91235, accuracy: 1e-12)  // 5 significant digits
        XCTAssertEqual(read.tasks[0].trials[0].curve.count, 2)
        XCTAssertEqual(read.tasks[0].trials[1].params, config(0.7))
        XCTAssertNil(read.tasks[0].trials[1].configIndex)
        XCTAssertEqual(read.tasks[0].trials[2].params, own, "every type kept as it was, 1.0 a float")
        XCTAssertEqual(read.tasks[0].trials[3].params, ["choice": .int(2)], "a missing parameter stays missing; mixed types kept")
        XCTAssertEqual(read.tasks[0].objective, knowledge.tasks[0].objective)
        XCTAssertEqual(read.tasks[1].trials[0].params, config(0.1))
        XCTAssertEqual(read.tasks[1].trials[0].configIndex, 0)
        XCTAssertNil(read.tasks[1].metaFeatures)
        try directory.write("bad.json", "{\"format\": \"something else\", \"pool\": {}, \"tasks\": []}")
        XCTAssertThrowsError(try KnowledgeBaseFile.read(path: directory.path("bad.json"))) { error in
            XCTAssertTrue("\(error)".contains("'something else'"), "\(error)")
        }
        try directory.write("garbage.json", "not json")
        XCTAssertThrowsError(try KnowledgeBaseFile.read(path: directory.path("garbage.json")))
        try directory.write("short.json", #"{"format": "metatune-knowledge-2", "pool": {}, "tasks": [{"name": "t", "scores": [0.5, 0.6], "params": {"x": {"float": [1]}}}]}"#)
        XCTAssertThrowsError(try KnowledgeBaseFile.read(path: directory.path("short.json"))) { error in
            XCTAssertTrue("\(error)".contains("do not line up"), "\(error)")
        }
        try directory.write("ragged.json", #"{"format": "metatune-knowledge-2", "pool": {}, "tasks": [{"name": "t", "scores": [0.5], "params": {"x": {"float": [1]}, "y": {"int": [1, 2]}}}]}"#)
        XCTAssertThrowsError(try KnowledgeBaseFile.read(path: directory.path("ragged.json"))) { error in
            XCTAssertTrue("\(error)".contains("parameter"), "\(error)")
        }
    }

    /// Files of the earlier row-wise format still read as they did.
    func testAKnowledgeBaseFileOfTheEarlierFormatIsStillRead() throws {
        let directory = try TemporaryDirectory()
        try directory.write("v1.json", """
            {"format": "metatune-knowledge-1", "pool": [{"learning_rate": 0.1}],
             "tasks": [{"name": "a", "trials": [[0, 0.9, 0.5, 0.9], [-1, 0.4]], "extra": [{"learning_rate": 0.7, "units": 3}]}]}
            """)
        let read = try KnowledgeBaseFile.read(path: directory.path("v1.json"))
        XCTAssertEqual(read.tasks.map(\.name), ["a"])
        XCTAssertEqual(read.tasks[0].trials.map(\.params), [config(0.1), ["learning_rate": .float(0.7), "units": .int(3)]])
        XCTAssertEqual(read.tasks[0].trials.map(\.configIndex), [0, nil])
        XCTAssertEqual(read.tasks[0].trials[0].curve, [0.5, 0.9])
    }
}
