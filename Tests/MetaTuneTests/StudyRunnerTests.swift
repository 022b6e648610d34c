import Foundation
import MetaTune
import XCTest

/// `StudyRunner`: the run pipeline `tune` and `run` share, with or without a scheduler.
final class StudyRunnerTests: XCTestCase {
    /// Records what a run tells its observer.
    final class Recorder: StudyRunObserver, @unchecked Sendable {
        private let lock = NSLock()
        private(set) var starts: [StudyRunStart] = []
        private(set) var finished: [Int] = []
        func runWillStart(_ start: StudyRunStart) { lock.withLock { starts.append(start) } }
        func trialFinished(_ trial: FrozenTrial) { lock.withLock { finished.append(trial.number) } }
    }

    /// A run that climbs by `quality` per unit of resource: x near 0.7 is best.
    struct Climb: PopulationObjective {
        final class Run { var used = 0; var score = 0.0; let x: Double; init(x: Double) { self.x = x } }
        func start(_ trial: Trial) throws -> Run { Run(x: try trial.suggestFloat("x", in: 0...1)) }
        func advance(_ run: Run, of trial: Trial, to resource: Int) throws -> Double {
            while run.used < resource {
                run.score += 1 - abs(run.x - 0.7)
                try trial.report(run.score, step: run.used)
                run.used += 1
            }
            return run.score
        }
        func isMutable(_ name: String) -> Bool { false }
        func exploit(_ donor: Run, for trial: Trial, params: [String: ParamValue]) throws -> Run { donor }
    }

    func testNewTrialsRunToTheEndAndTheObserverSeesEveryOne() throws {
        let study = try Study.create(name: "s", direction: .minimize, sampler: RandomSampler(seed: 2))
        try study.optimize(trials: 3) { trial in try trial.suggestFloat("x", in: 0...1) }
        let recorder = Recorder()
        let runner = StudyRunner(study: study, concurrency: 2, observer: recorder)
        let outcome = try runner.run(.new(5)) { trial in
            let x = try trial.suggestFloat("x", in: 0...1)
            if trial.number == 4 { throw TrialPruned() }
            return x
        }
        XCTAssertEqual(try study.trials.count, 8)
        XCTAssertEqual(recorder.starts.map(\.trialsBefore), [3])
        XCTAssertEqual(recorder.starts.map(\.expectedTotal), [8])
        XCTAssertEqual(recorder.finished.sorted(), [3, 4, 5, 6, 7])
        XCTAssertEqual(outcome.finishedHere.filter { $0 == .complete }.count, 4)
        XCTAssertEqual(outcome.finishedHere.filter { $0 == .pruned }.count, 1)
        XCTAssertFalse(outcome.interrupted)
        XCTAssertNil(outcome.usage)
        XCTAssertNil(try outcome.missingResult(in: study))
    }

    func testAStudyTotalIsNotExceededAndARunWithNothingLeftHasTheStudysResult() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler(seed: 2))
        let first = try StudyRunner(study: study).run(.studyTotal(4)) { trial in try trial.suggestFloat("x", in: 0...1) }
        XCTAssertEqual(first.finishedHere.count, 4)
        let again = try StudyRunner(study: study).run(.studyTotal(4)) { trial in try trial.suggestFloat("x", in: 0...1) }
        XCTAssertEqual(again.finishedHere, [], "the study already holds its total")
        XCTAssertNil(try again.missingResult(in: study), "the study has complete trials")
    }

    func testARunWhoseTrialsAllFailHasNoResultAndSaysWhy() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler(seed: 2))
        let outcome = try StudyRunner(study: study).run(.new(2)) { _ in throw StudyError.invalidArgument("broken") }
        XCTAssertEqual(try outcome.missingResult(in: study), "this run finished 2 trials (2 failed)")
        let empty = try Study.create(name: "empty", sampler: RandomSampler(seed: 2))
        let nothing = try StudyRunner(study: empty).run(.studyTotal(0)) { _ in 1 }
        XCTAssertEqual(try nothing.missingResult(in: empty), "study 'empty' holds no trial")
    }

    func testARaisedStopEndsTheRunAsInterrupted() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler(seed: 2))
        let runner = StudyRunner(study: study)
        let outcome = try runner.run(.new(10)) { [stop = runner.stop] trial in
            if trial.number == 2 { stop.raise() }
            return try trial.suggestFloat("x", in: 0...1)
        }
        XCTAssertTrue(outcome.interrupted)
        XCTAssertEqual(outcome.finishedHere.count, 3, "no trial starts once the stop is raised")
    }

    func testUnderASchedulerThePlanIsToldAndTheResourceCounted() throws {
        let study = try Study.create(name: "s", direction: .maximize, sampler: RandomSampler(seed: 2))
        var settings = SchedulerSettings(kind: .sha, maxResource: 9)
        settings.seed = 2
        let recorder = Recorder()
        let outcome = try StudyRunner(study: study, observer: recorder).run(scheduler: settings, trials: 9, unit: "epochs", objective: Climb())
        let plan = try XCTUnwrap(outcome.plan)
        XCTAssertEqual(recorder.starts.first?.plan, plan)
        XCTAssertEqual(recorder.starts.first?.expectedTotal, plan.trials)
        let usage = try XCTUnwrap(outcome.usage)
        XCTAssertEqual(usage.trialsStarted, try study.trials.count)
        XCTAssertLessThan(usage.resource, usage.fullBudgetEquivalent, "successive halving stops most trials early")
        let stored = try study.trials
        XCTAssertEqual(usage.resource, stored.reduce(0) { $0 + $1.intermediateValues.count })
        XCTAssertTrue(outcome.finishedHere.contains(.complete))
        XCTAssertNil(try outcome.missingResult(in: study))
        let meter = ResourceMeter(firstTrial: 0, maxResource: 9, unit: "epochs", budget: nil).measure(stored)
        XCTAssertEqual(meter.detail, "epochs \(usage.resource)/\(stored.count * 9) at full budget")
    }

    func testImpossibleSchedulerSettingsAreRefusedAsSuch() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler(seed: 2))
        let settings = SchedulerSettings(kind: .pbt, maxResource: 9)
        XCTAssertThrowsError(try StudyRunner(study: study).run(scheduler: settings, trials: 1, unit: "steps", objective: Climb())) {
            XCTAssertEqual($0 as? SchedulerSettingsError, .populationTooSmall(1))
        }
        XCTAssertEqual(try study.trials.count, 0)
    }

    func testTallyCountsStatesInTheirOrder() {
        XCTAssertEqual(TrialState.tally([.failed, .complete, .complete, .pruned]), "2 complete, 1 pruned, 1 failed")
    }
}
