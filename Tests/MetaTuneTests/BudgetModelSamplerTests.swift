import XCTest
@testable import MetaTune

final class BudgetModelSamplerTests: XCTestCase {
    private func trial(_ number: Int, x: Double, curve: [Double]) -> FrozenTrial {
        let distribution = Distribution.float(try! FloatDistribution(low: 0, high: 1))
        return FrozenTrial(id: number, number: number, state: curve.count >= 3 ? .complete : .pruned, value: curve.count >= 3 ? curve.last : nil,
                           params: ["x": .float(x)], distributions: ["x": distribution],
                           intermediateValues: Dictionary(uniqueKeysWithValues: curve.enumerated().map { ($0.offset, $0.element) }))
    }

    /// Resources 1 and 3, one parameter (so 2 results are enough): with one trial at resource 3
    /// the model learns from resource 1; with two, from resource 3 — relabelled at that value.
    func testTheModelUsesTheLargestResourceWithEnoughResults() {
        let sampler = BudgetModelSampler(resources: [1, 3], seed: 0, randomFraction: 0)
        let early = StudyHistory(direction: .maximize, trials: [
            trial(0, x: 0.1, curve: [0.2]), trial(1, x: 0.5, curve: [0.4]), trial(2, x: 0.9, curve: [0.3, 0.5, 0.6]),
        ])
        let current = FrozenTrial(id: 9, number: 9, state: .running)
        let fromFirstRung = sampler.modelHistory(early, trial: current)
        XCTAssertEqual(fromFirstRung?.trials.map(\.value), [0.2, 0.4, 0.3])
        XCTAssertTrue(fromFirstRung?.trials.allSatisfy { $0.state == .complete } ?? false)
        let later = StudyHistory(direction: .maximize, trials: early.trials + [trial(3, x: 0.7, curve: [0.5, 0.7, 0.8])])
        XCTAssertEqual(sampler.modelHistory(later, trial: current)?.trials.map(\.value), [0.6, 0.8])
        XCTAssertNil(sampler.modelHistory(StudyHistory(direction: .maximize, trials: [early.trials[0]]), trial: current))
    }

    func testAboutAThirdOfTheConfigurationsAreRandom() {
        let sampler = BudgetModelSampler(resources: [1], seed: 5)
        let history = StudyHistory(direction: .maximize, trials: (0..<6).map { trial($0, x: Double($0) / 6, curve: [Double($0)]) })
        let random = (100..<400).filter { sampler.modelHistory(history, trial: FrozenTrial(id: $0, number: $0, state: .running)) == nil }
        XCTAssertEqual(Double(random.count) / 300, 1.0 / 3, accuracy: 0.08)
    }
}
