import XCTest
@testable import MetaTune

/// The scheduler layer: one rung geometry (`RungLadder`), settings checked with errors that
/// speak of values, and every kind built and run through the `Scheduler` protocol.
final class SchedulerCatalogTests: XCTestCase {
    func testThePrunerASHAAndHyperbandShareOneRungGeometry() throws {
        let pruner = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 3)
        let asha = try AsynchronousPromotion(minResource: 1, maxResource: 27, reductionFactor: 3)
        let plan = try HyperbandPlan(minResource: 1, maxResource: 27, reductionFactor: 3)
        XCTAssertEqual((0...3).map(pruner.rungResource), [1, 3, 9, 27])
        XCTAssertEqual((0...asha.topRung).map { asha.resource(ofRung: $0) }, [1, 3, 9, 27])
        XCTAssertEqual(plan.brackets[0].rungs.map(\.resource), [1, 3, 9, 27], "the most aggressive bracket is the same ladder")
        XCTAssertEqual(asha.resource(ofRung: 9), 27, "capped at the maximum")
    }

    func testAnUnboundedLadderSaturatesInsteadOfOverflowing() throws {
        let ladder = try RungLadder(minResource: 1, reductionFactor: 3)
        XCTAssertEqual(ladder.wholeResource(ofRung: 100), Int.max)
        // A trial reporting the largest step: the pruner crosses every rung once and decides.
        let pruner = try SuccessiveHalvingPruner()
        let study = try Study.create(name: "huge-step", direction: .maximize)
        let trial = try study.ask()
        try trial.report(1, step: Int.max)
        XCTAssertFalse(pruner.shouldPrune(history: try study.history(), trial: try study.storage.trial(id: trial.id)),
                       "the only trial at its rung continues")
    }

    func testLadderRefusesImpossibleGeometryNamingTheValues() {
        XCTAssertThrowsError(try RungLadder(minResource: 0)) { XCTAssertTrue("\($0)".contains("got 0")) }
        XCTAssertThrowsError(try RungLadder(minResource: 2, maxResource: 1)) { XCTAssertTrue("\($0)".contains("2.0 and 1.0")) }
        XCTAssertThrowsError(try RungLadder(minResource: 1, reductionFactor: 1.5)) { XCTAssertTrue("\($0)".contains("1.5")) }
    }

    func testSettingsAreCheckedWithErrorsThatNameValues() {
        func refusal(_ change: (inout SchedulerSettings) -> Void, kind: SchedulerKind = .hyperband) -> SchedulerSettingsError? {
            var settings = SchedulerSettings(kind: kind, maxResource: 9)
            change(&settings)
            do { try settings.validate() } catch { return error as? SchedulerSettingsError }
            return nil
        }
        XCTAssertNil(refusal { _ in })
        XCTAssertEqual(refusal { $0.minResource = 10 }, .minResourceOutOfRange(minResource: 10, maxResource: 9))
        XCTAssertEqual(refusal { $0.reductionFactor = 1 }, .reductionFactorTooSmall(1))
        XCTAssertEqual(refusal({ $0.interval = 0 }, kind: .pbt), .intervalOutOfRange(interval: 0, maxResource: 9))
        XCTAssertEqual(refusal({ $0.budget = 30 }, kind: .pbt), .budgetNotTaken(.pbt))
        XCTAssertEqual(refusal { $0.budget = 0 }, .budgetBelowMinResource(budget: 0, minResource: 1))
        XCTAssertFalse(SchedulerSettingsError.budgetNotTaken(.pbt).description.contains("--"), "library errors speak of values, not flags")
    }

    func testTheNumberOfTrialsComesFromTrialsOrFromTheBudget() throws {
        var settings = SchedulerSettings(kind: .asha, maxResource: 9)
        XCTAssertEqual(try settings.trialCount(5), 5)
        XCTAssertThrowsError(try settings.trialCount(nil)) { XCTAssertEqual($0 as? SchedulerSettingsError, .trialsRequired) }
        settings.budget = 20
        settings.minResource = 3
        XCTAssertEqual(try settings.trialCount(nil), 6)
        settings.kind = .sha
        XCTAssertThrowsError(try settings.trialCount(nil), "sha runs whole brackets: the budget alone does not decide")
        let pbt = SchedulerSettings(kind: .pbt, maxResource: 9)
        XCTAssertThrowsError(try pbt.trialCount(1)) { XCTAssertEqual($0 as? SchedulerSettingsError, .populationTooSmall(1)) }
        XCTAssertThrowsError(try pbt.trialCount(0)) { XCTAssertEqual($0 as? SchedulerSettingsError, .trialsNotPositive(0)) }
    }

    func testEveryKindIsBuiltAndRunsThroughTheProtocol() throws {
        for kind in SchedulerKind.allCases {
            var settings = SchedulerSettings(kind: kind, maxResource: 9)
            settings.seed = 4
            let scheduler = try settings.makeScheduler()
            let objective = PopulationBasedTrainingTests.DecayingOptimum(maxResource: 9)
            // 12 trials: enough for ASHA to promote one trial to the top rung (12 → 4 → 1).
            let plan = try scheduler.plan(trials: 12, budget: nil, objective: objective, unit: "steps")
            XCTAssertGreaterThanOrEqual(plan.trials, 12, "\(kind): at least the trials asked for (whole brackets)")
            XCTAssertFalse(plan.summary.isEmpty)
            let study = try Study.create(name: kind.rawValue, direction: .maximize,
                                         sampler: try settings.ownSampler() ?? RandomSampler(seed: 4))
            var finished = 0
            let usage = try scheduler.run(study: study, objective: objective, plan: plan, concurrency: 1,
                                          stop: { false }, onTrialFinished: { _ in finished += 1 })
            XCTAssertEqual(usage.trialsStarted, plan.trials, "\(kind)")
            XCTAssertEqual(finished, plan.trials, "\(kind): every trial reported once")
            XCTAssertGreaterThan(usage.resource, 0)
            XCTAssertTrue(try study.trials.contains { $0.state == .complete }, "\(kind): some trial trained to the end")
        }
        XCTAssertTrue(try SchedulerSettings(kind: .bohb, maxResource: 9).ownSampler() is BudgetModelSampler)
        XCTAssertNil(try SchedulerSettings(kind: .hyperband, maxResource: 9).ownSampler())
    }

    func testABudgetBelowTheCheapestBracketIsRefusedWhenPlanning() throws {
        let scheduler = try SchedulerSettings(kind: .hyperband, maxResource: 9).makeScheduler()
        XCTAssertThrowsError(try scheduler.plan(trials: 3, budget: 5, objective: PopulationBasedTrainingTests.DecayingOptimum(maxResource: 9),
                                                unit: "epochs")) { error in
            guard case .budgetBelowCheapestBracket(5, let first, "epochs")? = error as? SchedulerSettingsError else {
                return XCTFail("\(error)")
            }
            XCTAssertGreaterThan(first, 5)
        }
    }
}
