import XCTest
import MetaTune
import Neural
@testable import MetaTuneTasks

final class BuiltinTaskTests: XCTestCase {
    func testTuningTheMLPOnDigitsRecordsLearningCurvesAndFindsAGoodModel() throws {
        let task = try BuiltinTask(name: "digits", data: try Dataset.digits(), model: .mlp, epochs: 5)
        let space = BuiltinModel.mlp.defaultSpace
        let study = try Study.create(name: "t", direction: .maximize, sampler: TPESampler(seed: 1))
        try study.optimize(trials: 6) { try task.evaluate($0, space: space) }
        let trials = try study.trials
        XCTAssertEqual(trials.count, 6)
        for trial in trials where trial.state == .complete {
            XCTAssertEqual(trial.intermediateValues.count, 5, "one point per epoch")
            XCTAssertEqual(trial.value, trial.intermediateValues[4], "the objective is the final accuracy")
        }
        XCTAssertGreaterThan(try study.bestTrial?.value ?? 0, 0.9)
    }

    func testDivergingTrialFailsInsteadOfProducingGarbage() throws {
        let task = try BuiltinTask(name: "digits", data: try Dataset.digits(), model: .mlp, epochs: 2)
        let space = try SearchSpaceFile.parse("""
        learning_rate: {type: float, low: 1.0e5, high: 1.0e6, log: true}
        optimizer: {type: categorical, choices: [sgd]}
        """)
        let study = try Study.create(name: "t", direction: .maximize, sampler: RandomSampler())
        try study.optimize(trials: 1) { try task.evaluate($0, space: space) }
        let trial = try XCTUnwrap(try study.trials.first)
        XCTAssertEqual(trial.state, .failed)
        XCTAssertTrue(trial.failReason?.contains("diverged") ?? false, trial.failReason ?? "")
    }

    func testPrunerStopsTrialsOnTheirLearningCurve() throws {
        let task = try BuiltinTask(name: "digits", data: try Dataset.digits(), model: .mlp, epochs: 4)
        let study = try Study.create(name: "t", direction: .maximize, sampler: RandomSampler(seed: 3),
                                     pruner: try MedianPruner(startupTrials: 2))
        try study.optimize(trials: 10) { try task.evaluate($0, space: BuiltinModel.mlp.defaultSpace) }
        let states = try study.trials.map(\.state)
        XCTAssertTrue(states.contains(.pruned), "\(states)")
    }
}

final class BuiltinCNNTaskTests: XCTestCase {
    func testCNNTaskTrainsOnDigitsImagesWithBatchNorm() throws {
        let task = try BuiltinTask(name: "digits", data: try Dataset.digits(), model: .cnn, epochs: 3)
        let space = try SearchSpaceFile.parse("""
        learning_rate: {type: float, low: 2.0e-3, high: 4.0e-3, log: true}
        channels: {type: int, low: 8, high: 12}
        batch_norm: {type: categorical, choices: [true]}
        """)
        let study = try Study.create(name: "c", direction: .maximize, sampler: RandomSampler(seed: 2))
        try study.optimize(trials: 1) { try task.evaluate($0, space: space) }
        let trial = try XCTUnwrap(try study.trials.first)
        XCTAssertEqual(trial.state, .complete, trial.failReason ?? "")
        XCTAssertGreaterThan(trial.value ?? 0, 0.9)
    }

    func testCNNNeedsImageShapedData() throws {
        var flat = try Dataset.digits()
        flat.imageShape = nil
        XCTAssertThrowsError(try BuiltinTask(name: "flat", data: flat, model: .cnn, epochs: 1)) { error in
            XCTAssertTrue("\(error)".contains("image-shaped"), "\(error)")
        }
    }
}
