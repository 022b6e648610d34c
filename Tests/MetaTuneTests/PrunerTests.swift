import XCTest
@testable import MetaTune

/// Pruner decisions on hand-made learning curves (minimised losses unless stated).
final class PrunerTests: XCTestCase {
    private func trial(_ number: Int, _ curve: [Int: Double], state: TrialState = .complete) -> FrozenTrial {
        FrozenTrial(id: number + 1, number: number, state: state,
                    value: state == .complete ? curve[curve.keys.max()!] : nil, intermediateValues: curve)
    }

    private func history(_ trials: [FrozenTrial], _ direction: StudyDirection = .minimize) -> StudyHistory {
        StudyHistory(direction: direction, trials: trials)
    }

    /// Five complete trials with values 1...5 at steps 0...2 (constant curves).
    private var fiveFinished: [FrozenTrial] {
        (0..<5).map { i in trial(i, [0: Double(i + 1), 1: Double(i + 1), 2: Double(i + 1)]) }
    }

    func testMedianPrunerComparesWithTheMedianAtTheSameStep() throws {
        let pruner = try MedianPruner(startupTrials: 5)
        let worse = trial(5, [0: 3.5], state: .running)
        let better = trial(5, [0: 2.5], state: .running)
        XCTAssertTrue(pruner.shouldPrune(history: history(fiveFinished + [worse]), trial: worse))
        XCTAssertFalse(pruner.shouldPrune(history: history(fiveFinished + [better]), trial: better))
        // The median is 3: a value of exactly 3 continues.
        let equal = trial(5, [0: 3], state: .running)
        XCTAssertFalse(pruner.shouldPrune(history: history(fiveFinished + [equal]), trial: equal))
    }

    func testMedianPrunerUsesTheBestValueSoFarAndHonoursStartupAndWarmup() throws {
        let recovered = trial(5, [0: 1.0, 1: 9.0], state: .running)  // best so far 1.0 < median 3
        XCTAssertFalse(try MedianPruner().shouldPrune(history: history(fiveFinished + [recovered]), trial: recovered))
        let bad = trial(5, [0: 9.0], state: .running)
        XCTAssertFalse(try MedianPruner(startupTrials: 6).shouldPrune(history: history(fiveFinished + [bad]), trial: bad))
        XCTAssertFalse(try MedianPruner(warmupSteps: 1).shouldPrune(history: history(fiveFinished + [bad]), trial: bad))
        let badAtStep2 = trial(5, [0: 9, 1: 9, 2: 9], state: .running)
        XCTAssertFalse(try MedianPruner(intervalSteps: 3).shouldPrune(history: history(fiveFinished + [badAtStep2]),
                                                                       trial: badAtStep2), "step 2 is off the interval")
        XCTAssertTrue(try MedianPruner(intervalSteps: 2).shouldPrune(history: history(fiveFinished + [badAtStep2]),
                                                                      trial: badAtStep2))
    }

    func testMedianPrunerWhenMaximizing() throws {
        let pruner = try MedianPruner()
        let low = trial(5, [0: 2.5], state: .running)
        let high = trial(5, [0: 3.5], state: .running)
        XCTAssertTrue(pruner.shouldPrune(history: history(fiveFinished + [low], .maximize), trial: low))
        XCTAssertFalse(pruner.shouldPrune(history: history(fiveFinished + [high], .maximize), trial: high))
    }

    func testPercentilePruner() throws {
        let strict = try PercentilePruner(percentile: 25)  // keep only the best quarter: threshold 2
        let candidate = trial(5, [1: 2.5], state: .running)
        XCTAssertTrue(strict.shouldPrune(history: history(fiveFinished + [candidate]), trial: candidate))
        let lenient = try PercentilePruner(percentile: 75)  // threshold 4
        XCTAssertFalse(lenient.shouldPrune(history: history(fiveFinished + [candidate]), trial: candidate))
        XCTAssertThrowsError(try PercentilePruner(percentile: 120))
        XCTAssertThrowsError(try PercentilePruner(percentile: 50, intervalSteps: 0))
    }

    func testNaNCurveIsPruned() throws {
        let nan = trial(5, [0: .nan], state: .running)
        XCTAssertTrue(try MedianPruner().shouldPrune(history: history(fiveFinished + [nan]), trial: nan))
        XCTAssertTrue(try ThresholdPruner(upper: 10).shouldPrune(history: history([nan]), trial: nan))
    }

    func testPatiencePruner() throws {
        let pruner = try PatiencePruner(patience: 2)
        let stalled = trial(0, [0: 5, 1: 3, 2: 3.5, 3: 3.2, 4: 3.1], state: .running)
        XCTAssertTrue(pruner.shouldPrune(history: history([stalled]), trial: stalled))
        let improving = trial(0, [0: 5, 1: 3, 2: 3.5, 3: 3.2, 4: 2.9], state: .running)
        XCTAssertFalse(pruner.shouldPrune(history: history([improving]), trial: improving))
        let short = trial(0, [0: 5, 1: 6, 2: 7], state: .running)
        XCTAssertFalse(pruner.shouldPrune(history: history([short]), trial: short), "not enough steps yet")
        let delta = try PatiencePruner(patience: 2, minDelta: 0.5)
        XCTAssertTrue(delta.shouldPrune(history: history([improving]), trial: improving), "0.1 is below the minimum delta")
        XCTAssertThrowsError(try PatiencePruner(patience: -1))
    }

    func testThresholdPruner() throws {
        let pruner = try ThresholdPruner(lower: 0, upper: 1, warmupSteps: 1)
        XCTAssertFalse(pruner.shouldPrune(history: history([]), trial: trial(0, [0: 5], state: .running)), "warm-up")
        XCTAssertTrue(pruner.shouldPrune(history: history([]), trial: trial(0, [0: 0.5, 1: 5], state: .running)))
        XCTAssertTrue(pruner.shouldPrune(history: history([]), trial: trial(0, [0: 0.5, 1: -1], state: .running)))
        XCTAssertFalse(pruner.shouldPrune(history: history([]), trial: trial(0, [0: 0.5, 1: 0.5], state: .running)))
        XCTAssertThrowsError(try ThresholdPruner())
        XCTAssertThrowsError(try ThresholdPruner(lower: 2, upper: 1))
    }

    func testSuccessiveHalvingRungsAndPromotions() throws {
        let pruner = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3)
        XCTAssertEqual((0..<4).map(pruner.rungResource), [1, 3, 9, 27])
        // Rung 0 (step 1): earlier trials reached it with values 1...5.
        let others = (0..<5).map { i in trial(i, [1: Double(i + 1)], state: .pruned) }
        // 6 competitors including the new one → the best 6/3 = 2 continue.
        let good = trial(5, [1: 1.5], state: .running)
        XCTAssertFalse(pruner.shouldPrune(history: history(others + [good]), trial: good))
        let bad = trial(5, [1: 2.5], state: .running)
        XCTAssertTrue(pruner.shouldPrune(history: history(others + [bad]), trial: bad))
        // Between rungs nothing is decided, however bad the value.
        let between = trial(5, [1: 1.5, 2: 100], state: .running)
        XCTAssertFalse(pruner.shouldPrune(history: history(others + [between]), trial: between))
        // The first trial to reach a rung always continues.
        let first = trial(0, [1: 100, 3: 100], state: .running)
        XCTAssertFalse(pruner.shouldPrune(history: history([first]), trial: first))
    }

    func testSuccessiveHalvingWithMinimumResourceAndEarlyStoppingRate() throws {
        let pruner = try SuccessiveHalvingPruner(minResource: 2, reductionFactor: 2, minEarlyStoppingRate: 1)
        XCTAssertEqual((0..<3).map(pruner.rungResource), [4, 8, 16])
        let others = [trial(0, [4: 1.0], state: .pruned), trial(1, [4: 2.0], state: .pruned), trial(2, [4: 3.0], state: .pruned)]
        let atStep3 = trial(3, [3: 9.0], state: .running)
        XCTAssertFalse(pruner.shouldPrune(history: history(others + [atStep3]), trial: atStep3), "before the first rung")
        // A trial that reports step 5 first crosses rung 4 there: 4 competitors → best 2 continue.
        let crossing = trial(3, [3: 9.0, 5: 2.5], state: .running)
        XCTAssertTrue(pruner.shouldPrune(history: history(others + [crossing]), trial: crossing))
        XCTAssertThrowsError(try SuccessiveHalvingPruner(reductionFactor: 1))
        XCTAssertThrowsError(try SuccessiveHalvingPruner(minResource: 0))
    }

    func testPrunerWorksThroughTheStudyAPI() throws {
        let study = try Study.create(name: "p", sampler: RandomSampler(seed: 1), pruner: try MedianPruner(startupTrials: 2))
        try study.optimize(trials: 12) { trial in
            let x = try trial.suggestFloat("x", in: 0...1)
            for step in 0..<5 {
                try trial.report(x * Double(5 - step), step: step)
                if try trial.shouldPrune { throw TrialPruned() }
            }
            return x
        }
        let states = try study.trials.map(\.state)
        XCTAssertTrue(states.contains(.pruned))
        XCTAssertTrue(states.contains(.complete))
        XCTAssertEqual(Array(states.prefix(2)), [.complete, .complete], "no pruning during startup")
    }
}
