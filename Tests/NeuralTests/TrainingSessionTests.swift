import XCTest
import Numerics
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
}
