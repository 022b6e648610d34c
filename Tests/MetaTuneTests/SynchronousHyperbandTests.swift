import XCTest
@testable import MetaTune

final class SynchronousHyperbandTests: XCTestCase {
    /// A toy learning curve: quality(x) · (1 − e^(−resource/3)), maximised; quality peaks at x = 0.7.
    struct ToyObjective: ResumableObjective {
        final class Run {
            let x: Double
            var used = 0
            init(x: Double) { self.x = x }
        }

        func start(_ trial: Trial) throws -> Run {
            Run(x: try trial.suggestFloat("x", low: 0, high: 1))
        }

        func advance(_ run: Run, of trial: Trial, to resource: Int) throws -> Double {
            var value = 0.0
            while run.used < resource {
                run.used += 1
                value = (1 - abs(run.x - 0.7)) * (1 - exp(-Double(run.used) / 3))
                try trial.report(value, step: run.used - 1)
            }
            return value
        }
    }

    func testOneRoundRunsEveryBracketWithThePlannedRungs() throws {
        let plan = try HyperbandPlan(minResource: 1, maxResource: 9, reductionFactor: 3)
        let scheduler = SynchronousHyperband(plan: plan)
        XCTAssertEqual(scheduler.trialsPerRound, 9 + 5 + 3)
        let study = try Study.create(name: "hb", direction: .maximize, sampler: RandomSampler(seed: 2))
        var finishedOrder: [Int] = []
        let usage = try scheduler.run(study: study, objective: ToyObjective(), trials: 15,
                                      onTrialFinished: { finishedOrder.append($0.number) })
        let trials = try study.trials
        XCTAssertEqual(trials.count, 17)
        XCTAssertEqual(finishedOrder.count, 17, "every trial finishes exactly once")
        XCTAssertEqual(trials.filter { $0.state == .complete }.count, 5)
        XCTAssertEqual(trials.filter { $0.state == .pruned }.count, 12)
        // Each stopped trial's learning curve ends at the rung where it stopped.
        let stoppedAt = trials.filter { $0.state == .pruned }.map { $0.intermediateValues.count }.sorted()
        XCTAssertEqual(stoppedAt, [1, 1, 1, 1, 1, 1, 3, 3, 3, 3, 3, 3])
        XCTAssertTrue(trials.filter { $0.state == .complete }.allSatisfy { $0.intermediateValues.count == 9 })
        // The first bracket's winner is the best of its nine by quality.
        let first = trials.filter { $0.number < 9 }
        let winner = try XCTUnwrap(first.first { $0.state == .complete })
        let quality = { (t: FrozenTrial) in 1 - abs(t.params["x"]!.doubleValue! - 0.7) }
        XCTAssertEqual(quality(winner), first.map(quality).max()!, accuracy: 1e-12)
        // Resource: 9·1 + 3·2 + 1·6 (bracket 2) + 5·3 + 1·6 (bracket 1) + 3·9 (bracket 0).
        XCTAssertEqual(usage, SchedulerUsage(resource: 69, fullBudgetEquivalent: 17 * 9, trialsStarted: 17))
    }

    /// With a budget, a bracket starts only if all of it fits in what is left; one that does not
    /// is skipped for the next that does.
    func testABudgetRunsTheBracketsThatFit() throws {
        let plan = try HyperbandPlan(minResource: 1, maxResource: 9, reductionFactor: 3)
        let scheduler = SynchronousHyperband(plan: plan)
        // The round's order: s = 2, s = 0, s = 1.
        XCTAssertEqual(scheduler.brackets.map(\.index), [2, 0, 1])
        XCTAssertEqual(scheduler.brackets.map { scheduler.cost(of: $0, objective: ToyObjective()) }, [21, 27, 21])
        // (budget, trials started, resource spent): 42 cannot take s = 0 after s = 2 (48), so s = 1
        // follows; 68 takes s = 2 and s = 0 and nothing more fits; 90 starts a second round.
        for (budget, trials, resource) in [(20, 0, 0), (21, 9, 21), (42, 14, 42), (48, 12, 48), (68, 12, 48), (69, 17, 69), (90, 26, 90)] {
            let study = try Study.create(name: "b", direction: .maximize, sampler: RandomSampler(seed: 2))
            let usage = try scheduler.run(study: study, objective: ToyObjective(), trials: 1000, budget: budget)
            XCTAssertEqual(usage.trialsStarted, trials, "budget \(budget)")
            XCTAssertEqual(usage.resource, resource, "budget \(budget)")
            XCTAssertEqual(try study.trials.reduce(0) { $0 + $1.intermediateValues.count }, resource)
        }
    }

    /// The s = 0 bracket (every trial at the full resource, no early stopping) comes second, so a
    /// budget of less than a round reaches it — the paper's R = 81, η = 3 as well.
    func testAPartialRoundReachesTheFullBudgetBracket() throws {
        let scheduler = SynchronousHyperband(plan: try HyperbandPlan(minResource: 1, maxResource: 81, reductionFactor: 3))
        XCTAssertEqual(scheduler.brackets.map(\.index), [4, 0, 3, 1, 2])
        let objective = ToyObjective()
        let round = scheduler.brackets.reduce(0) { $0 + scheduler.cost(of: $1, objective: objective) }
        let chosen = scheduler.bracketsToRun(trials: 10_000, budget: round / 2, objective: objective)
        XCTAssertTrue(chosen.contains { $0.index == 0 }, "\(chosen.map(\.index))")
        XCTAssertLessThanOrEqual(chosen.reduce(0) { $0 + scheduler.cost(of: $1, objective: objective) }, round / 2)
        // By trial count too: 81 + 5 trials ask for a second bracket, and it is s = 0.
        XCTAssertEqual(scheduler.bracketsToRun(trials: 86, objective: objective).map(\.index), [4, 0])
    }

    func testSuccessiveHalvingAloneAndAStopBetweenRungs() throws {
        let plan = try HyperbandPlan(minResource: 1, maxResource: 9, reductionFactor: 3)
        let study = try Study.create(name: "sha", direction: .maximize, sampler: RandomSampler(seed: 3))
        let usage = try SynchronousHyperband(plan: plan, successiveHalvingOnly: true).run(study: study, objective: ToyObjective(), trials: 9)
        XCTAssertEqual(usage.trialsStarted, 9)
        XCTAssertEqual(try study.trials.filter { $0.state == .complete }.count, 1)
        // Stopping after the first rung leaves no trial running.
        let stopped = try Study.create(name: "stop", direction: .maximize, sampler: RandomSampler(seed: 3))
        var rungs = 0
        _ = try SynchronousHyperband(plan: plan, successiveHalvingOnly: true).run(study: stopped, objective: ToyObjective(), trials: 9,
                                                                                stop: { rungs += 1; return rungs > 1 })
        XCTAssertFalse(try stopped.trials.contains { $0.state == .running })
        XCTAssertEqual(try stopped.trials.filter { $0.failReason?.contains("interrupted") == true }.count, 3)
    }

    /// Training a rung's trials on several threads changes nothing but the time it takes.
    func testConcurrentRungsGiveTheSameOutcome() throws {
        let plan = try HyperbandPlan(minResource: 1, maxResource: 9, reductionFactor: 3)
        var outcomes: [[TrialState]] = []
        var usages: [SchedulerUsage] = []
        for concurrency in [1, 3] {
            let study = try Study.create(name: "c\(concurrency)", direction: .maximize, sampler: RandomSampler(seed: 4))
            usages.append(try SynchronousHyperband(plan: plan).run(study: study, objective: ToyObjective(), trials: 17, concurrency: concurrency))
            outcomes.append(try study.trials.map(\.state))
        }
        XCTAssertEqual(outcomes[0], outcomes[1])
        XCTAssertEqual(usages[0], usages[1])
        XCTAssertEqual(outcomes[0].count, 17)
    }
}
