import XCTest
import MetaTune
import MetaTuneNumerics
@testable import MetaLearning

/// RGPE: ranking-loss ensemble weights, and the sampler built on them.
final class RGPETests: XCTestCase {
    func testAModelThatRanksTheObservationsRightOutweighsOneThatRanksThemBackwards() {
        let targets: [Double] = [1, 2, 3, 4, 5, 6]
        let right = targets.map { $0 * 10 }      // same order
        let backwards = targets.map { -$0 }      // reversed order
        let target = [3.0, 1, 2, 6, 4, 5]         // the target model's leave-one-out guesses: half right
        var generator = SeededGenerator(seeds: [1])
        let weights = RankingWeights.weights(predictions: [right, backwards, target], targets: targets, using: &generator)
        XCTAssertEqual(weights.reduce(0, +), 1, accuracy: 1e-12)
        // The perfect ranker wins every bootstrap sample (sharing the few where the target model
        // happens to order the drawn observations right too).
        XCTAssertGreaterThan(weights[0], 0.9)
        XCTAssertGreaterThan(weights[0], weights[2])
        XCTAssertEqual(weights[1], 0, "a base model worse than the target model's 95th percentile is dropped")
    }

    func testWithFewerThanTwoObservationsEveryModelWeighsTheSame() {
        var generator = SeededGenerator(seeds: [1])
        XCTAssertEqual(RankingWeights.weights(predictions: [[1], [2], [3], [4]], targets: [0.5], using: &generator), [0.25, 0.25, 0.25, 0.25])
        XCTAssertEqual(RankingWeights.rankingLoss([1, 2, 3], [3, 2, 1], [0, 1, 2]), 6, "every ordered pair misordered, both ways")
        XCTAssertEqual(RankingWeights.rankingLoss([1, 2, 3], [10, 20, 30], [0, 1, 2]), 0)
    }

    /// Two past tasks that agree: the configuration best on both is the first suggestion; after
    /// the new task's own trials contradict them, the sampler moves away.
    func testTheFirstSuggestionIsThePastTasksCommonBest() throws {
        let space = try SearchSpaceFile.parse("x: {type: float, low: 0, high: 1}\n")
        let xs = stride(from: 0.05, through: 0.95, by: 0.1).map { $0 }
        let knowledge = KnowledgeBase(tasks: ["a", "b"].map { name in
            PastTask(name: name, metaFeatures: nil, trials: xs.map { x in
                PastTrial(params: ["x": .float(x)], score: -pow(x - 0.25, 2) - (name == "b" ? 0.01 : 0))
            })
        })
        let sampler = RGPESampler(knowledge: knowledge, space: space, seed: 3)
        let study = try Study.create(name: "new", direction: .maximize, sampler: sampler)
        let first = try study.ask(space: space)
        XCTAssertEqual(first.params["x"]?.doubleValue ?? -1, 0.25, accuracy: 0.06, "near the past tasks' optimum")
        // The new task's optimum is at 0.9: its own trials there outweigh the past.
        try study.tell(first, value: -pow((first.params["x"]?.doubleValue ?? 0) - 0.9, 2))
        for x in [0.1, 0.5, 0.7, 0.85] {
            try study.enqueue(["x": .float(x)])
            let trial = try study.ask(space: space)
            try study.tell(trial, value: -pow(x - 0.9, 2))
        }
        for _ in 0..<6 {
            let trial = try study.ask(space: space)
            try study.tell(trial, value: -pow((trial.params["x"]?.doubleValue ?? 0) - 0.9, 2))
        }
        XCTAssertGreaterThan(try study.bestParams?["x"]?.doubleValue ?? 0, 0.8, "the new task's own optimum is found")
    }
}
