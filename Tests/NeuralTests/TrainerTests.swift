import XCTest
import MetaTuneNumerics
@testable import Neural

final class TrainerTests: XCTestCase {
    func testASensibleMLPReachesNinetyFivePercentOnDigits() throws {
        let (train, validation) = try Dataset.standardizedDigitsSplit()
        let model = Architectures.mlp(inputs: 64, classes: 10, depth: 1, width: 128, activation: .relu, dropout: 0, seed: 1)
        var configuration = TrainingConfiguration()
        configuration.epochs = 20
        let reports = try Trainer.fit(model, train: train, validation: validation, configuration: configuration)
        XCTAssertGreaterThanOrEqual(reports.last!.validationAccuracy, 0.95)
        XCTAssertLessThan(reports.last!.trainLoss, reports.first!.trainLoss)
    }

    func testSameSeedGivesAnIdenticalTrainingCurve() throws {
        let (train, validation) = try Dataset.standardizedDigitsSplit()
        func curve() throws -> [Double] {
            let model = Architectures.mlp(inputs: 64, classes: 10, depth: 2, width: 32, activation: .gelu, dropout: 0.2, seed: 5)
            var configuration = TrainingConfiguration()
            configuration.epochs = 3
            configuration.seed = 9
            return try Trainer.fit(model, train: train, validation: validation, configuration: configuration).map(\.validationLoss)
        }
        XCTAssertEqual(try curve(), try curve())
    }

    func testDivergenceStopsWithAClearError() throws {
        let (train, validation) = try Dataset.standardizedDigitsSplit()
        let model = Architectures.mlp(inputs: 64, classes: 10, depth: 2, width: 64, activation: .relu, dropout: 0, seed: 1)
        var configuration = TrainingConfiguration()
        configuration.optimizer = .sgd
        configuration.learningRate = 1e6
        XCTAssertThrowsError(try Trainer.fit(model, train: train, validation: validation, configuration: configuration)) { error in
            XCTAssertTrue("\(error)".contains("diverged"), "\(error)")
        }
    }

    func testEarlyStoppingAndCallbacksCanStopTraining() throws {
        let (train, validation) = try Dataset.standardizedDigitsSplit()
        let model = Architectures.mlp(inputs: 64, classes: 10, depth: 1, width: 16, activation: .tanh, dropout: 0, seed: 1)
        var configuration = TrainingConfiguration()
        configuration.epochs = 50
        configuration.learningRate = 0.05
        configuration.earlyStoppingPatience = 2
        let reports = try Trainer.fit(model, train: train, validation: validation, configuration: configuration)
        XCTAssertLessThan(reports.count, 50, "stops once validation loss stalls")
        struct Stop: Error {}
        var seen = 0
        XCTAssertThrowsError(try Trainer.fit(model, train: train, validation: validation, configuration: configuration) { _ in
            seen += 1
            if seen == 2 { throw Stop() }
        })
        XCTAssertEqual(seen, 2)
    }

    func testOptimizersAllReduceTheLoss() throws {
        let (train, validation) = try Dataset.standardizedDigitsSplit()
        for kind in OptimizerKind.allCases {
            let model = Architectures.mlp(inputs: 64, classes: 10, depth: 1, width: 32, activation: .relu, dropout: 0, seed: 2)
            var configuration = TrainingConfiguration()
            configuration.epochs = 3
            configuration.optimizer = kind
            configuration.learningRate = kind == .sgd || kind == .nesterov || kind == .sgdHD ? 0.05 : 5e-3
            configuration.weightDecay = 1e-4
            configuration.gradientClip = 5
            configuration.schedule = .cosine
            configuration.warmupEpochs = 1
            let reports = try Trainer.fit(model, train: train, validation: validation, configuration: configuration)
            XCTAssertLessThan(reports.last!.validationLoss, log(10), "\(kind)")
            XCTAssertGreaterThan(reports.last!.validationAccuracy, 0.8, "\(kind)")
        }
    }

    func testSchedules() {
        XCTAssertEqual(LearningRateSchedule.constant.factor(epoch: 7, epochs: 10), 1)
        XCTAssertEqual(LearningRateSchedule.step(every: 3, factor: 0.5).factor(epoch: 7, epochs: 10), 0.25)
        XCTAssertEqual(LearningRateSchedule.cosine.factor(epoch: 0, epochs: 10), 1)
        XCTAssertEqual(LearningRateSchedule.cosine.factor(epoch: 5, epochs: 10), 0.5, accuracy: 1e-6)
        XCTAssertEqual(LearningRateSchedule.constant.factor(epoch: 0, epochs: 10, warmupEpochs: 3), 0.25)
    }
}

final class CNNTrainingTests: XCTestCase {
    func testASensibleCNNReachesNinetyFivePercentOnDigitsImages() throws {
        let split = try Dataset.digits().stratifiedSplit(validationFraction: 0.2, seed: 0)
        let standardizer = Standardizer(fitting: split.train)
        let (train, validation) = (standardizer.apply(split.train), standardizer.apply(split.validation))
        XCTAssertEqual(train.imageShape, [1, 8, 8])
        let model = Architectures.cnn(imageShape: [1, 8, 8], classes: 10, depth: 2, channels: 16, kernel: 3,
                                      activation: .relu, dropout: 0, seed: 1)
        var configuration = TrainingConfiguration()
        configuration.epochs = 12
        configuration.learningRate = 3e-3
        let reports = try Trainer.fit(model, train: train, validation: validation, configuration: configuration)
        XCTAssertGreaterThanOrEqual(reports.last!.validationAccuracy, 0.95)
    }
}

final class RegressionTests: XCTestCase {
    /// y = 2·x0 − x1 + 0.5 plus a little noise.
    static func linearData(_ n: Int) -> Dataset {
        var generator = SeededGenerator(seed: 3)
        var features: [Float] = [], targets: [Float] = []
        for _ in 0..<n {
            let x0 = Float(generator.nextUniform() * 2 - 1), x1 = Float(generator.nextUniform() * 2 - 1)
            features += [x0, x1]
            targets.append(2 * x0 - x1 + 0.5 + Float(generator.nextUniform() - 0.5) * 0.02)
        }
        return Dataset(features: features, targets: targets, featureCount: 2)
    }

    func testAnMLPLearnsALinearFunctionWithMeanSquaredError() throws {
        let (train, validation) = Self.linearData(400).stratifiedSplit(validationFraction: 0.25, seed: 1)
        XCTAssertEqual(train.count + validation.count, 400)
        XCTAssertTrue(train.isRegression)
        let model = Architectures.mlp(inputs: 2, classes: 1, depth: 1, width: 32, activation: .relu, dropout: 0, seed: 1)
        var configuration = TrainingConfiguration()
        configuration.epochs = 40
        configuration.learningRate = 1e-2
        let reports = try Trainer.fit(model, train: train, validation: validation, configuration: configuration)
        XCTAssertLessThan(reports.last!.validationLoss, 0.01, "validation MSE")
        XCTAssertTrue(reports.last!.validationAccuracy.isNaN)
    }
}
