import XCTest
@testable import Neural

/// Hypergradient descent (SGD-HD, Adam-HD): the learning rate climbs from a rate far too small
/// and falls from one far too large, and with β = 0 the optimizers are the plain ones.
final class HypergradientTests: XCTestCase {
    /// The learning rate after `epochs` epochs of `kind` from `rate`.
    private func finalRate(_ kind: OptimizerKind, from rate: Float, epochs: Int = 2, beta: Float? = nil) throws -> (Float, [EpochReport]) {
        let (train, validation) = try Dataset.standardizedDigitsSplit()
        let model = Architectures.mlp(inputs: 64, classes: 10, depth: 1, width: 32, activation: .relu, dropout: 0, seed: 4)
        var configuration = TrainingConfiguration()
        configuration.epochs = epochs
        configuration.optimizer = kind
        configuration.learningRate = rate
        configuration.hypergradientRate = beta
        let session = try TrainingSession(model: model, train: train, validation: validation, configuration: configuration)
        try session.advance(toEpoch: epochs) { _ in }
        return (session.learningRate, session.reports)
    }

    func testTheRateClimbsFromTooSmallAndFallsFromTooLarge() throws {
        // The digits MLP trains best with SGD near 0.05: from 0.005 and from 0.8 the rate heads there.
        XCTAssertGreaterThan(try finalRate(.sgdHD, from: 0.005).0, 0.02)
        XCTAssertLessThan(try finalRate(.sgdHD, from: 0.8).0, 0.3)
        XCTAssertGreaterThan(try finalRate(.adamHD, from: 1e-4, beta: 1e-5).0, 1e-3)
        XCTAssertLessThan(try finalRate(.adamHD, from: 0.3, beta: 1e-5).0, 0.3)
        // The normalised rule, with its default β, whatever the optimizer's scale.
        XCTAssertGreaterThan(try finalRate(.sgdHDN, from: 0.005).0, 0.006)
        XCTAssertLessThan(try finalRate(.sgdHDN, from: 0.8).0, 0.8)
        XCTAssertGreaterThan(try finalRate(.adamHDN, from: 1e-4).0, 1.3e-4)
    }

    func testWithoutAHypergradientRateTheOptimizersArePlain() throws {
        let (plainRate, plain) = try finalRate(.sgd, from: 0.05)
        let (rate, hd) = try finalRate(.sgdHD, from: 0.05, beta: 0)
        XCTAssertEqual(rate, plainRate)
        XCTAssertEqual(hd.map(\.validationLoss), plain.map(\.validationLoss))
        let (_, adam) = try finalRate(.adam, from: 0.003)
        let (_, adamHD) = try finalRate(.adamHD, from: 0.003, beta: 0)
        XCTAssertEqual(adamHD.map(\.validationLoss), adam.map(\.validationLoss))
    }
}
