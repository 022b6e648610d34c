import XCTest
@testable import MetaTune
import MetaTuneNumerics

final class RandomForestTests: XCTestCase {
    private func uniformRows(_ count: Int, _ dimension: Int, seed: UInt64) -> [[Double]] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in (0..<dimension).map { _ in generator.nextUniform() } }
    }

    func testFitsASmoothTwoDimensionalFunction() {
        let f = { (p: [Double]) in sin(3 * p[0]) + p[1] * p[1] }
        let train = uniformRows(400, 2, seed: 1)
        let forest = RandomForestRegressor(x: train, y: train.map(f), features: [.numeric, .numeric], seed: 2)
        let test = uniformRows(200, 2, seed: 3)
        let meanSquaredError = test.reduce(0) { $0 + pow(forest.predict($1).mean - f($1), 2) } / Double(test.count)
        XCTAssertLessThan(meanSquaredError.squareRoot(), 0.08, "the function spans about 2")
    }

    func testFitsAStepExactly() {
        let x = (0..<60).map { [Double($0) / 59] }
        let y = x.map { $0[0] < 0.4 ? 0.0 : 1.0 }
        let forest = RandomForestRegressor(x: x, y: y, features: [.numeric], seed: 0)
        XCTAssertEqual(forest.predict([0.1]).mean, 0, accuracy: 1e-12)
        XCTAssertEqual(forest.predict([0.9]).mean, 1, accuracy: 1e-12)
        XCTAssertEqual(forest.predict([0.9]).variance, 0, accuracy: 1e-12)
    }

    func testVarianceIsHigherFarFromTheData() {
        // Two clusters of observations; the trees place their split anywhere in the gap.
        var generator = SeededGenerator(seed: 4)
        let x = (0..<40).map { i in [i < 20 ? 0.2 * generator.nextUniform() : 0.8 + 0.2 * generator.nextUniform()] }
        let y = x.map { $0[0] }
        let forest = RandomForestRegressor(x: x, y: y, features: [.numeric], seed: 5)
        let inGap = forest.predict([0.5]).variance
        XCTAssertGreaterThan(inGap, 10 * forest.predict([0.1]).variance)
        XCTAssertGreaterThan(inGap, 10 * forest.predict([0.9]).variance)
    }

    func testVarianceAddsTheLeavesOwnSpread() {
        // One tree on all rows with no split allowed: the variance is the targets' variance.
        var options = RandomForestRegressor.Options()
        options.trees = 1
        options.bootstrap = false
        options.minSamplesSplit = 100
        let forest = RandomForestRegressor(x: [[0], [0.5], [1], [0.2]], y: [1, 2, 3, 6], features: [.numeric],
                                           options: options)
        let prediction = forest.predict([0.3])
        XCTAssertEqual(prediction.mean, 3, accuracy: 1e-12)
        XCTAssertEqual(prediction.variance, 3.5, accuracy: 1e-12)
    }

    func testSplitsCategoriesByTheirEffect() {
        // Categories 1 and 3 are bad, 0 and 2 good; category order says nothing.
        var generator = SeededGenerator(seed: 6)
        var x: [[Double]] = [], y: [Double] = []
        for i in 0..<200 {
            let category = i % 4, u = generator.nextUniform()
            x.append([Double(category), u])
            y.append((category % 2 == 1 ? 5 : 0) + 0.1 * u)
        }
        let forest = RandomForestRegressor(x: x, y: y, features: [.categorical(count: 4), .numeric], seed: 7)
        for category in 0..<4 {
            XCTAssertEqual(forest.predict([Double(category), 0.5]).mean, category % 2 == 1 ? 5.05 : 0.05, accuracy: 0.05)
        }
    }

    func testExpectedImprovementPrefersLowMeansAndHighVariance() {
        var generator = SeededGenerator(seed: 8)
        let x = (0..<40).map { i in [i < 20 ? 0.2 * generator.nextUniform() : 0.8 + 0.2 * generator.nextUniform()] }
        let forest = RandomForestRegressor(x: x, y: x.map { $0[0] }, features: [.numeric], seed: 9)
        let axis = SpaceAxis(name: "x", distribution: .float(try! FloatDistribution(low: 0, high: 1)))
        let search = AcquisitionSearch(forest: forest, axes: [axis], incumbent: 0)
        XCTAssertGreaterThan(search.expectedImprovement([0.5]), search.expectedImprovement([0.95]))
        let best = search.maximise(seeds: [], candidates: 50, starts: 4, steps: 20, neighbourScale: 0.2, using: &generator)
        XCTAssertLessThan(best[0], 0.8, "the maximiser leaves the bad cluster")
    }

    func testSamplerBeatsRandomSearchOnASimpleObjective() throws {
        let space = try SearchSpaceFile.parse("""
        x: {type: float, low: -5, high: 5}
        y: {type: float, low: 1.0e-3, high: 10, log: true}
        n: {type: int, low: 1, high: 32}
        kind: {type: categorical, choices: [a, b, c]}
        """)
        func best(_ sampler: Sampler) throws -> Double {
            let study = try Study.create(name: "rf", sampler: sampler)
            for _ in 0..<50 {
                let trial = try study.ask(space: space)
                let p = trial.params
                let value = pow(p["x"]!.doubleValue! - 1.5, 2) + pow(log10(p["y"]!.doubleValue!) + 1, 2)
                    + 0.01 * pow(Double(p["n"]!.intValue! - 20), 2) + (p["kind"] == "b" ? 0 : 1)
                try study.tell(trial, value: value)
            }
            return try XCTUnwrap(try study.bestTrial?.value)
        }
        var wins = 0
        for seed in 0..<5 where try best(RandomForestSampler(seed: UInt64(seed))) < best(RandomSampler(seed: UInt64(seed))) {
            wins += 1
        }
        XCTAssertGreaterThanOrEqual(wins, 4)
    }

    func testInitialDesignFollowsTheSobolSequence() throws {
        let study = try Study.create(name: "sobol", sampler: RandomForestSampler(seed: 3))
        for _ in 0..<6 {
            let trial = try study.ask()
            let a = try trial.suggestFloat("a", in: 0...1), b = try trial.suggestFloat("b", in: 0...1)
            try study.tell(trial, value: a + b)
        }
        let trials = try study.trials
        for trial in trials[1...] {
            let sobol = SobolSequence.point(index: trial.number, dimension: 2, scrambleSeed: 3)
            XCTAssertEqual(trial.params["a"]!.doubleValue!, sobol[0], accuracy: 1e-12)
            XCTAssertEqual(trial.params["b"]!.doubleValue!, sobol[1], accuracy: 1e-12)
        }
    }
}
