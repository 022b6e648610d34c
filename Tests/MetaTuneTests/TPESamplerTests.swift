import XCTest
@testable import MetaTune
import MetaTuneNumerics

final class TPESamplerTests: XCTestCase {
    /// A define-by-run objective with a conditional branch: momentum exists only under sgd,
    /// and `width` only under adam.
    @Sendable private static func conditionalObjective(_ trial: Trial) throws -> Double {
        let optimizer = try trial.suggestCategorical("optimizer", ["sgd", "adam"])
        let lr = try trial.suggestFloat("lr", in: 1e-4...1, log: true)
        if optimizer == "sgd" {
            let momentum = try trial.suggestFloat("momentum", in: 0...0.99)
            return abs(log10(lr) + 1) + (1 - momentum)
        }
        let width = try trial.suggestInt("width", in: 8...256, log: true)
        return abs(log10(lr) + 3) + abs(log2(Double(width)) - 6) * 0.1
    }

    func testConditionalParametersAreNeverSuggestedWhenInactive() throws {
        for multivariate in [true, false] {
            var options = TPESampler.Options()
            options.multivariate = multivariate
            let study = try Study.create(name: "c", sampler: TPESampler(seed: 11, options: options))
            try study.optimize(trials: 60, Self.conditionalObjective)
            for trial in try study.trials {
                let sgd = trial.params["optimizer"] == "sgd"
                XCTAssertEqual(trial.params["momentum"] != nil, sgd)
                XCTAssertEqual(trial.params["width"] != nil, !sgd)
                XCTAssertEqual(trial.state, .complete)
            }
            let best = try XCTUnwrap(try study.bestTrial?.value)
            XCTAssertLessThan(best, 0.5, "TPE should find a good region of the conditional space")
        }
    }

    func testStartupTrialsAreRandom() throws {
        var options = TPESampler.Options()
        options.startupTrials = 5
        let tpe = try Study.create(name: "t", sampler: TPESampler(seed: 9, options: options))
        let random = try Study.create(name: "r", sampler: RandomSampler(seed: 9))
        for study in [tpe, random] {
            try study.optimize(trials: 5) { try $0.suggestFloat("x", in: 0...1) }
        }
        XCTAssertEqual(try tpe.trials.map(\.params), try random.trials.map(\.params))
    }

    /// ASHA keeps trials running while they wait for promotion; TPE must learn from their rung
    /// results (as from pruned trials), or under ASHA it would never leave its random start-up.
    func testTrialsPausedByASchedulerAreObservations() throws {
        var options = TPESampler.Options()
        options.startupTrials = 5
        func pausedRun(marked: Bool, sampler: Sampler) throws -> [Double] {
            let study = try Study.create(name: "p", direction: .minimize, sampler: sampler)
            return try (0..<40).map { _ in
                let trial = try study.ask()
                let x = try trial.suggestFloat("x", in: 0...1)
                try trial.report((x - 0.8) * (x - 0.8), step: 0)
                if marked { try trial.setSystemAttribute(AsynchronousHyperband.rungValuesKey, .object(["1": .number(0)])) }
                return x
            }
        }
        let random = try pausedRun(marked: false, sampler: RandomSampler(seed: 3))
        // Unmarked running trials are not observations: TPE stays at its random start-up.
        XCTAssertEqual(try pausedRun(marked: false, sampler: TPESampler(seed: 3, options: options)), random)
        let paused = try pausedRun(marked: true, sampler: TPESampler(seed: 3, options: options))
        func lateDistance(_ xs: [Double]) -> Double { xs.suffix(20).map { abs($0 - 0.8) }.sorted()[10] }
        XCTAssertLessThan(lateDistance(paused), 0.1, "TPE should model the paused trials and suggest near 0.8")
        XCTAssertLessThan(lateDistance(paused), lateDistance(random) / 2)
    }

    func testTPEConcentratesNearTheOptimum() throws {
        let study = try Study.create(name: "q", sampler: TPESampler(seed: 2))
        try study.optimize(trials: 100) { trial in
            let x = try trial.suggestFloat("x", in: -10...10)
            let y = try trial.suggestFloat("y", in: -10...10)
            return (x - 3) * (x - 3) + (y + 1) * (y + 1)
        }
        let late = try study.trials.suffix(30).compactMap(\.value)
        XCTAssertLessThan(late.sorted()[15], 10, "the median of the last 30 suggestions should be near (3, -1)")
        XCTAssertLessThan(try XCTUnwrap(try study.bestTrial?.value), 0.1)
    }

    func testConstantLiarSpreadsConcurrentAsks() throws {
        var options = TPESampler.Options()
        options.constantLiar = true
        let study = try Study.create(name: "l", sampler: TPESampler(seed: 4, options: options))
        try study.optimize(trials: 20) { try $0.suggestFloat("x", in: 0...1) }
        // Ask 4 trials without telling: with the liar each sees the others as bad results.
        let pending = try (0..<4).map { _ -> Double in
            let trial = try study.ask()
            return try trial.suggestFloat("x", in: 0...1)
        }
        XCTAssertEqual(Set(pending).count, 4)
    }

    func testGammaAndWeightsFollowTheDefaults() {
        XCTAssertEqual(TPESampler.defaultGamma(1), 1)
        XCTAssertEqual(TPESampler.defaultGamma(10), 1)
        XCTAssertEqual(TPESampler.defaultGamma(11), 2)
        XCTAssertEqual(TPESampler.defaultGamma(1000), 25)
        XCTAssertEqual(TPESampler.defaultWeights(3), [1, 1, 1])
        let w = TPESampler.defaultWeights(50)
        XCTAssertEqual(w.count, 50)
        XCTAssertEqual(w.first!, 1.0 / 50, accuracy: 1e-12)
        XCTAssertEqual(Array(w.suffix(25)), [Double](repeating: 1, count: 25))
        XCTAssertTrue(zip(w, w.dropFirst()).allSatisfy { $0 <= $1 })
    }

    func testParzenEstimatorDensityIntegratesToOne() throws {
        let axis = TPEAxis(name: "x", distribution: .float(try FloatDistribution(low: 0, high: 1)))
        for considerEndpoints in [true, false] {
            let settings = ParzenSettings(priorWeight: 1, considerPrior: true, considerMagicClip: true,
                                          considerEndpoints: considerEndpoints)
            let estimator = ParzenEstimator(axes: [axis], observations: [[0.1], [0.15], [0.8]],
                                            observationWeights: [1, 1, 1], settings: settings)
            let grid = (0..<2000).map { [(Double($0) + 0.5) / 2000] }
            let integral = estimator.logDensity(grid).reduce(0) { $0 + exp($1) } / 2000
            XCTAssertEqual(integral, 1, accuracy: 1e-3)
        }
    }

    func testCategoricalEstimatorFavoursObservedChoices() throws {
        let axis = TPEAxis(name: "c", distribution: .categorical(try CategoricalDistribution(choices: ["a", "b", "c"])))
        let settings = ParzenSettings(priorWeight: 1, considerPrior: true, considerMagicClip: true,
                                      considerEndpoints: false)
        let estimator = ParzenEstimator(axes: [axis], observations: [[1], [1], [2]], observationWeights: [1, 1, 1],
                                        settings: settings)
        let p = estimator.logDensity([[0], [1], [2]]).map(exp)
        XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-9)
        XCTAssertGreaterThan(p[1], p[2])
        XCTAssertGreaterThan(p[2], p[0])
    }

    /// The linear-time bucketed widths must equal the sorted-neighbour definition (kept here as
    /// the oracle), ties and edges included.
    func testBucketedBandwidthsMatchTheSortedNeighbourDefinition() {
        func oracle(_ mus: [Double], low: Double, high: Double, minSigma: Double, useBounds: Bool) -> [Double] {
            let order = mus.indices.sorted { (mus[$0], $0) < (mus[$1], $1) }
            var sigmas = [Double](repeating: 0, count: mus.count)
            for (rank, index) in order.enumerated() {
                let left = rank > 0 ? mus[index] - mus[order[rank - 1]] : (useBounds ? mus[index] - low : 0)
                let right = rank < order.count - 1 ? mus[order[rank + 1]] - mus[index] : (useBounds ? high - mus[index] : 0)
                sigmas[index] = min(max(max(left, right), minSigma), high - low)
            }
            return sigmas
        }
        var generator = SeededGenerator(seed: 5)
        for trial in 0..<200 {
            let n = 1 + generator.nextIndex(below: trial < 100 ? 8 : 400)
            var mus = (0..<n).map { _ in -3 + 5 * generator.nextUniform() }
            if n > 3 { mus[1] = mus[0]; mus[n - 1] = mus[2] }  // ties
            for considerEndpoints in [false, true] {
                for shrink in [0.0, Double(3 * n)] {
                    var settings = ParzenSettings(priorWeight: 1, considerPrior: true, considerMagicClip: true,
                                                  considerEndpoints: considerEndpoints)
                    settings.minimumBandwidthCount = shrink
                    let minSigma = 5 / min(100, max(Double(n), shrink) + 2)
                    let fast = ParzenEstimator.bandwidths(mus: mus, low: -3, high: 2, settings: settings)
                    let slow = oracle(mus, low: -3, high: 2, minSigma: minSigma, useBounds: considerEndpoints || n == 1)
                    XCTAssertEqual(fast, slow, "n=\(n) endpoints=\(considerEndpoints)")
                }
            }
        }
    }
}
