import Foundation
import MetaLearning
import MetaTune
import MetaTuneTasks
import Neural
import XCTest

/// `StudySetup` (what `tune` and `run` open a study with) and the pieces of `tune` and
/// `meta compare` that live in the library: data sources, the held-out test and `MetaComparison`.
final class StudySetupTests: XCTestCase {
    func testWithoutMetaLearningThePolicysSamplerIsUsedAndTheTaskRecorded() throws {
        let storage = InMemoryStorage()
        let space = try SearchSpaceFile.parse("lr: {type: float, low: 0.0001, high: 0.1, log: true}\n")
        let setup = StudySetup(name: "s", storage: storage, space: space, task: "cifar", objective: ObjectiveSignature(metric: "acc"),
                               direction: .maximize, policy: SamplerPolicy(sampler: .random, seed: 4), pruner: .median)
        let opened = try setup.open()
        XCTAssertNil(opened.explanation)
        XCTAssertTrue(opened.choice.sampler is RandomSampler)
        XCTAssertTrue(opened.study.pruner is MedianPruner)
        XCTAssertEqual(opened.study.direction, .maximize)
        XCTAssertEqual(try opened.study.systemAttributes[TaskAttributes.taskKey], .string("cifar"))
        XCTAssertEqual(setup.query.excluded, ["cifar", "s"], "never learns from the same task or study")
        // Opening again finds the same study.
        XCTAssertEqual(try setup.open().study.id, opened.study.id)
    }

    func testUnderASchedulerThePrunerGivesWay() throws {
        let space = try SearchSpaceFile.parse("lr: {type: float, low: 0.0001, high: 0.1, log: true}\n")
        let policy = SamplerPolicy(scheduler: SchedulerSettings(kind: .asha, maxResource: 9))
        let opened = try StudySetup(name: "s", storage: InMemoryStorage(), space: space, task: "t",
                                    objective: ObjectiveSignature(metric: "acc"), policy: policy, pruner: .median).open()
        XCTAssertFalse(opened.study.pruner is MedianPruner)
    }

    func testMetaLearningExplainsWhatItLearnsFromAndLeavesTheTaskOut() throws {
        let space = BuiltinModel.mlp.defaultSpace
        let setup = StudySetup(name: "s", storage: InMemoryStorage(), space: space, task: "digits",
                               objective: ObjectiveSignature(metric: TaskMetric.bestAccuracy.rawValue, model: "mlp", epochs: 8),
                               direction: .maximize, policy: SamplerPolicy(meta: .portfolio), model: .mlp, knowledge: [.builtin])
        let opened = try setup.open()
        let explanation = try XCTUnwrap(opened.explanation)
        XCTAssertTrue(explanation.hasPrefix("meta portfolio: learning from \(opened.choice.knowledge.tasks.count) past tasks"), explanation)
        XCTAssertGreaterThan(opened.choice.knowledge.tasks.count, 10)
        XCTAssertFalse(opened.choice.knowledge.tasks.contains { $0.name == "digits" }, "the task itself is never learned from")
    }

    func testAnImageShapeMustAccountForEveryFeature() throws {
        let source = DataSource.bundled(.digits)
        XCTAssertEqual(try source.load(imageShape: [1, 8, 8]).imageShape, [1, 8, 8])
        XCTAssertThrowsError(try source.load(imageShape: [1, 8, 7])) {
            XCTAssertTrue("\($0)".contains("image shape 1,8,7 does not describe the 64 features of digits"), "\($0)")
        }
        XCTAssertEqual(DataSource.csv(path: "data/wine.csv").name, "wine")
    }

    func testTheHeldOutTestScoresTheBestConfigurationOnRowsNoTrialSaw() throws {
        let task = try BuiltinTask(name: "digits", data: try Dataset.digits(), model: .mlp, epochs: 2, testFraction: 0.2, seed: 1)
        let study = try Study.create(name: "s", direction: .maximize, sampler: RandomSampler(seed: 1))
        XCTAssertNil(try task.heldOutTest(of: study), "no complete trial yet")
        try study.optimize(trials: 2) { trial in try task.evaluate(trial, space: BuiltinModel.mlp.defaultSpace) }
        let test = try XCTUnwrap(try task.heldOutTest(of: study))
        XCTAssertEqual(test.trial, try study.bestTrial?.number)
        XCTAssertEqual(test.rows, task.test?.count)
        XCTAssertEqual(test.metric, "accuracy")
        XCTAssertTrue((0...1).contains(test.score))
        let withoutTest = try BuiltinTask(name: "digits", data: try Dataset.digits(), model: .mlp, epochs: 2, seed: 1)
        XCTAssertNil(try withoutTest.heldOutTest(of: study))
    }

    func testAComparisonRunsBothSamplersRoundByRound() throws {
        var comparison = try MetaComparison(data: .bundled(.digits), method: .portfolio, epochs: 1, excluded: [], seed: 3)
        XCTAssertTrue(comparison.explanation.contains("meta portfolio"), comparison.explanation)
        let first = try comparison.round()
        let second = try comparison.round()
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(second.cold), try XCTUnwrap(first.cold), "best so far never falls")
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(second.meta), try XCTUnwrap(first.meta))
        XCTAssertNotNil(comparison.roundsToTarget.cold ?? comparison.roundsToTarget.meta, "the better one reaches its own final result")
        XCTAssertThrowsError(try MetaComparison(data: .bundled(.digits), method: .none, epochs: 1))
    }
}

/// The methods `meta bench` compares, by name.
final class PoolMethodTests: XCTestCase {
    func testEveryMethodIsFoundByItsNameAndNoneIsNotAMethod() {
        for method in PoolMethod.allCases { XCTAssertEqual(PoolMethod(name: method.name), method) }
        XCTAssertEqual(PoolMethod.allCases.prefix(3).map(\.name), ["random", "tpe", "gp"])
        XCTAssertNil(PoolMethod(name: "none"))
        XCTAssertNil(PoolMethod(name: "cmaes"), "only random, TPE and the GP are compared cold")
    }
}
