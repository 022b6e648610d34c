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
            XCTAssertEqual(trial.value, trial.intermediateValues.values.max(), "the objective is the best epoch's accuracy")
        }
        XCTAssertGreaterThan(try study.bestTrial?.value ?? 0, 0.9)
    }

    /// A test split is held out first (stratified); without one the splits are as they always were;
    /// the test score comes from the model the best trial validated, trained again.
    func testAHeldOutTestSplitScoresTheChosenConfiguration() throws {
        let digits = try Dataset.digits()
        let plain = try BuiltinTask(name: "digits", data: digits, model: .mlp, epochs: 3, seed: 4)
        let noTest = try BuiltinTask(name: "digits", data: digits, model: .mlp, epochs: 3, testFraction: 0, seed: 4)
        XCTAssertNil(plain.test)
        XCTAssertEqual(noTest.train.features, plain.train.features)
        XCTAssertEqual(noTest.validation.labels, plain.validation.labels)
        let task = try BuiltinTask(name: "digits", data: digits, model: .mlp, epochs: 3, metric: .accuracy, testFraction: 0.25, seed: 4)
        let test = try XCTUnwrap(task.test)
        XCTAssertEqual(task.train.count + task.validation.count + test.count, digits.count)
        XCTAssertEqual(Double(test.count) / Double(digits.count), 0.25, accuracy: 0.01)
        for label in 0..<10 {  // stratified: each class keeps its share in the test rows
            let share = Double(test.labels.filter { $0 == label }.count) / Double(test.count)
            let overall = Double(digits.labels.filter { $0 == label }.count) / Double(digits.count)
            XCTAssertEqual(share, overall, accuracy: 0.01)
        }
        let study = try Study.create(name: "t", direction: .maximize, sampler: RandomSampler(seed: 2))
        try study.optimize(trials: 3) { try task.evaluate($0, space: BuiltinModel.mlp.defaultSpace) }
        let best = try XCTUnwrap(try study.bestTrial)
        // Training the configuration again with the trial's seed gives the model the trial validated.
        let again = try task.makeSession(best.params, seed: UInt64(best.number))
        try again.advance(toEpoch: 3)
        XCTAssertEqual(again.reports.last?.validationAccuracy, best.value)
        let score = try task.testScore(params: best.params, trialNumber: best.number)
        XCTAssertEqual(score, Trainer.evaluate(again.model, test).accuracy)
        XCTAssertGreaterThan(score, 0.8)
        XCTAssertThrowsError(try plain.testScore(params: best.params, trialNumber: best.number))
        // Scored by the best epoch (the default), the test model is the one of that epoch: the
        // weights restored there.
        let byBest = try BuiltinTask(name: "digits", data: digits, model: .mlp, epochs: 3, testFraction: 0.25, seed: 4)
        let curve = [0.5, 0.9, 0.7]
        XCTAssertEqual(BuiltinTask.bestEpoch(of: curve), 2)
        XCTAssertEqual(BuiltinTask.bestEpoch(of: [0.8, 0.8]), 1, "the first of tied epochs")
        let restored = try byBest.makeSession(best.params, seed: UInt64(best.number))
        try restored.advance(toEpoch: 2)
        XCTAssertEqual(try byBest.testScore(params: best.params, trialNumber: best.number, curve: curve),
                       Trainer.evaluate(restored.model, test).accuracy)
        XCTAssertEqual(try byBest.testScore(params: best.params, trialNumber: best.number), score, "without a curve: the last epoch")
        XCTAssertThrowsError(try BuiltinTask(name: "digits", data: digits, model: .mlp, epochs: 3, testFraction: 0.5))
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

extension BuiltinTaskTests {
    /// A configuration the engine cannot train, from a space nobody checked (a Swift caller's),
    /// fails its trial with the reason; the study goes on.
    func testAnUntrainableConfigurationFailsItsTrialAndTheStudyGoesOn() throws {
        let task = try BuiltinTask(name: "digits", data: try Dataset.digits(), model: .mlp, epochs: 1)
        let space = try SearchSpaceFile.parse("""
        dropout: {type: categorical, choices: [1.5, 0.1]}
        width: {type: categorical, choices: [200000, 16]}
        epochs: {type: categorical, choices: [0, 1]}
        """)
        let study = try Study.create(name: "t", direction: .maximize, sampler: try GridSampler(space: space))
        try study.optimize(trials: 8) { try task.evaluate($0, space: space) }
        let trials = try study.trials
        XCTAssertEqual(trials.count, 8)
        XCTAssertEqual(trials.filter { $0.state == .complete }.count, 1, "only dropout 0.1, width 16, one epoch trains")
        for trial in trials where trial.state == .failed {
            XCTAssertTrue(trial.failReason?.contains("cannot train this configuration") ?? false, trial.failReason ?? "")
        }
        XCTAssertNoThrow(try BuiltinModel.mlp.check(ParameterSpec(name: "dropout", distribution: .float(try FloatDistribution(low: 0, high: 0.5)))))
        XCTAssertEqual(BuiltinModel.nearest(to: "lr", among: ["learning_rate", "batch_size"]), "learning_rate")
        XCTAssertEqual(BuiltinModel.nearest(to: "widht", among: ["width", "depth"]), "width")
        XCTAssertNil(BuiltinModel.nearest(to: "colour", among: ["width", "depth"]))
    }

    func testEveryDefaultSpaceParsesAndPassesItsModelsOwnCheck() throws {
        for model in BuiltinModel.allCases {
            let space = model.defaultSpace
            XCTAssertFalse(space.parameters.isEmpty, model.rawValue)
            for spec in space.parameters { XCTAssertNoThrow(try model.check(spec), "\(model.rawValue): \(spec.name)") }
        }
        XCTAssertEqual(BuiltinModel.textTransformer.defaultSpace.largestInteger(of: "max_length"), 256)
    }
}
