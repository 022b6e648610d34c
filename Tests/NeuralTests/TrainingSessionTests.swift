import XCTest
import MetaTuneNumerics
@testable import Neural

final class TrainingSessionTests: XCTestCase {
    /// Pausing after 2 epochs and going on to 5 is exactly one run of 5 epochs (dropout, batch
    /// order, optimizer state and the cosine schedule included).
    func testPausingAndResumingReproducesAnUninterruptedRun() throws {
        let split = try Dataset.digits().stratifiedSplit(validationFraction: 0.2, seed: 0)
        let standardizer = Standardizer(fitting: split.train)
        let (train, validation) = (standardizer.apply(split.train), standardizer.apply(split.validation))
        var configuration = TrainingConfiguration()
        configuration.epochs = 5
        configuration.seed = 4
        configuration.optimizer = .adamw
        configuration.weightDecay = 1e-3
        configuration.schedule = .cosine
        func model() -> Sequential {
            Architectures.mlp(inputs: 64, classes: 10, depth: 2, width: 32, activation: .relu, dropout: 0.2, seed: 7)
        }
        let whole = try Trainer.fit(model(), train: train, validation: validation, configuration: configuration).map(\.validationLoss)
        let session = try TrainingSession(model: model(), train: train, validation: validation, configuration: configuration)
        var seen: [Int] = []
        try session.advance(toEpoch: 2) { seen.append($0.epoch) }
        XCTAssertEqual(session.epochsDone, 2)
        try session.advance(toEpoch: 2)
        XCTAssertEqual(session.epochsDone, 2, "advancing to where it is trains nothing")
        try session.advance(toEpoch: 9) { seen.append($0.epoch) }
        XCTAssertEqual(seen, [0, 1, 2, 3, 4], "never beyond configuration.epochs")
        XCTAssertEqual(session.reports.map(\.validationLoss), whole)
    }

    /// Adopting a donor gives its weights, statistics and optimizer state: the adopter evaluates
    /// exactly as the donor, and trained on with the donor's batch order and hyperparameters it
    /// stays identical to the donor.
    func testAdoptingADonorContinuesItsRun() throws {
        let (train, validation) = try Dataset.standardizedDigitsSplit()
        func session(seed: UInt64, learningRate: Float) throws -> TrainingSession {
            var configuration = TrainingConfiguration()
            configuration.epochs = 4
            configuration.seed = 5
            configuration.learningRate = learningRate
            let model = Architectures.mlp(inputs: 64, classes: 10, depth: 2, width: 24, activation: .relu, dropout: 0,
                                          batchNorm: true, seed: seed)
            return try TrainingSession(model: model, train: train, validation: validation, configuration: configuration)
        }
        let donor = try session(seed: 1, learningRate: 1e-2)
        try donor.advance(toEpoch: 2)
        let adopter = try session(seed: 2, learningRate: 1e-2)
        try adopter.advance(toEpoch: 2)  // as many batch orders drawn as the donor
        XCTAssertNotEqual(Trainer.evaluate(adopter.model, validation).0, Trainer.evaluate(donor.model, validation).0)
        try adopter.adopt(donor)
        XCTAssertEqual(adopter.epochsDone, 2)
        XCTAssertEqual(Trainer.evaluate(adopter.model, validation).0, Trainer.evaluate(donor.model, validation).0)
        // Same configuration seed and epochs, so the same batch order from here: the runs stay identical.
        try donor.advance(toEpoch: 3)
        try adopter.advance(toEpoch: 3)
        XCTAssertEqual(adopter.reports.last!.validationLoss, donor.reports.last!.validationLoss)
        // A different architecture cannot be adopted.
        let wider = try TrainingSession(model: Architectures.mlp(inputs: 64, classes: 10, depth: 2, width: 32, activation: .relu,
                                                                 dropout: 0, seed: 1),
                                        train: train, validation: validation, configuration: TrainingConfiguration())
        XCTAssertThrowsError(try wider.adopt(donor))
    }
}
