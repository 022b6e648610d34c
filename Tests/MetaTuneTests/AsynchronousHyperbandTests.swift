import XCTest
@testable import MetaTune

final class AsynchronousHyperbandTests: XCTestCase {
    typealias Toy = SynchronousHyperbandTests.ToyObjective

    private func asha(max: Double = 9) throws -> AsynchronousHyperband {
        AsynchronousHyperband(promotion: try AsynchronousPromotion(minResource: 1, maxResource: max, reductionFactor: 3))
    }

    /// Li et al.'s get_job, written out independently: promote the best not-yet-promoted trial
    /// among the top ⌊|rung k|/η⌋ of the highest rung that has one, else start the next trial.
    /// Returns the highest rung each trial reached.
    private func paperSchedule(qualities: [Double], topRung: Int, resource: @escaping (Int) -> Double) -> [Int] {
        var rungs = Array(repeating: [(trial: Int, score: Double)](), count: topRung + 1)
        var promoted = Array(repeating: Set<Int>(), count: topRung + 1)
        var reached = Array(repeating: 0, count: qualities.count)
        let score = { (trial: Int, rung: Int) in qualities[trial] * (1 - exp(-resource(rung) / 3)) }
        var next = 0
        while true {
            var job: (trial: Int, rung: Int)?
            for k in stride(from: topRung - 1, through: 0, by: -1) {
                let ranked = rungs[k].sorted { $0.score > $1.score || ($0.score == $1.score && $0.trial < $1.trial) }
                if let pick = ranked.prefix(rungs[k].count / 3).first(where: { !promoted[k].contains($0.trial) }) {
                    promoted[k].insert(pick.trial)
                    job = (pick.trial, k + 1)
                    break
                }
            }
            if let job {
                rungs[job.rung].append((job.trial, score(job.trial, job.rung)))
                reached[job.trial] = job.rung
            } else if next < qualities.count {
                rungs[0].append((next, score(next, 0)))
                next += 1
            } else {
                return reached
            }
        }
    }

    func testOneWorkerPromotesExactlyAsThePaperAlgorithm() throws {
        let scheduler = try asha(max: 27)
        let study = try Study.create(name: "asha", direction: .maximize, sampler: RandomSampler(seed: 5))
        var finished: [Int] = []
        let usage = try scheduler.run(study: study, objective: Toy(), trials: 40, onTrialFinished: { finished.append($0.number) })
        let trials = try study.trials
        XCTAssertEqual(trials.count, 40)
        XCTAssertEqual(Set(finished), Set(0..<40), "every trial finishes once")
        XCTAssertEqual(finished.count, 40)
        let qualities = trials.map { 1 - abs($0.params["x"]!.doubleValue! - 0.7) }
        let promotion = scheduler.promotion
        let expected = paperSchedule(qualities: qualities, topRung: promotion.topRung) { promotion.resource(ofRung: $0) }
        let reachedResources = trials.map(\.intermediateValues.count)
        XCTAssertEqual(reachedResources, expected.map { Int(promotion.resource(ofRung: $0)) })
        XCTAssertTrue(expected.contains(promotion.topRung), "some trial reaches the top rung")
        for trial in trials {
            if trial.intermediateValues.count == 27 {
                XCTAssertEqual(trial.state, .complete)
            } else {
                XCTAssertEqual(trial.state, .pruned)
                XCTAssertEqual(trial.failReason, "stopped by ASHA at resource \(trial.intermediateValues.count)")
            }
        }
        XCTAssertEqual(usage, SchedulerUsage(resource: reachedResources.reduce(0, +), fullBudgetEquivalent: 40 * 27, trialsStarted: 40))
    }

    /// Four workers in each of two runners on one storage: no trial is lost or finished twice,
    /// none is left running, and every learning curve is whole.
    func testConcurrentWorkersAndTwoRunnersLoseNoTrial() throws {
        let storage = InMemoryStorage()
        let first = try Study.create(name: "shared", direction: .maximize, sampler: RandomSampler(seed: 7), storage: storage)
        let second = try Study.load(name: "shared", storage: storage, sampler: RandomSampler(seed: 8))
        let scheduler = try asha()
        let usages = UsageBox()
        let finishedCount = UsageBox()
        let group = DispatchGroup()
        for study in [first, second] {
            group.enter()
            Thread.detachNewThread {
                do {
                    let usage = try scheduler.run(study: study, objective: Toy(), trials: 30, concurrency: 4,
                                                  onTrialFinished: { _ in finishedCount.add(SchedulerUsage(trialsStarted: 1)) })
                    usages.add(usage)
                } catch {
                    XCTFail("\(error)")
                }
                group.leave()
            }
        }
        group.wait()
        let trials = try first.trials
        XCTAssertEqual(trials.map(\.number), Array(0..<60))
        XCTAssertEqual(finishedCount.total.trialsStarted, 60, "every trial reported finished once")
        XCTAssertTrue(trials.allSatisfy { $0.state == .complete || $0.state == .pruned }, "\(trials.map(\.state))")
        for trial in trials {
            // The curve runs from step 0 without gaps up to the rung it reached.
            XCTAssertEqual(trial.intermediateValues.keys.sorted(), Array(0..<trial.intermediateValues.count))
            XCTAssertTrue([1, 3, 9].contains(trial.intermediateValues.count))
            XCTAssertEqual(trial.state == .complete, trial.intermediateValues.count == 9)
        }
        XCTAssertGreaterThan(trials.filter { $0.state == .complete }.count, 0)
        XCTAssertEqual(usages.total.resource, trials.reduce(0) { $0 + $1.intermediateValues.count })
        XCTAssertEqual(usages.total.trialsStarted, 60)
    }

    /// A budget caps the resource of concurrent workers exactly: a job is handed out only if it
    /// fits, and a trial that fails to start gives its resource back.
    func testABudgetIsNeverExceededByConcurrentWorkers() throws {
        struct FailsToStart: ResumableObjective {
            func start(_ trial: Trial) throws -> Toy.Run {
                if trial.number % 5 == 3 { throw StudyError.invalidArgument("cannot start") }
                return try Toy().start(trial)
            }
            func advance(_ run: Toy.Run, of trial: Trial, to resource: Int) throws -> Double {
                try Toy().advance(run, of: trial, to: resource)
            }
        }
        for budget in [0, 1, 40, 101] {
            let study = try Study.create(name: "budget", direction: .maximize, sampler: RandomSampler(seed: 5))
            let usage = try asha().run(study: study, objective: FailsToStart(), trials: 1000, budget: budget, concurrency: 4)
            let trials = try study.trials
            let spent = trials.reduce(0) { $0 + $1.intermediateValues.count }
            XCTAssertEqual(usage.resource, spent, "budget \(budget)")
            // Under a budget the run ends once nothing fits, so it uses all of a budget this small.
            XCTAssertEqual(spent, budget, "budget \(budget)")
            XCTAssertFalse(trials.contains { $0.state == .running })
            XCTAssertLessThan(trials.count, 1000)
        }
        XCTAssertThrowsError(try asha().run(study: try Study.create(name: "negative"), objective: Toy(), trials: 5, budget: -1))
    }

    /// The sampler learns from paused trials: under ASHA, TPE's later suggestions move to the
    /// good region (x near 0.7) instead of staying random.
    func testTPELearnsFromTrialsASHAHasPaused() throws {
        var options = TPESampler.Options()
        options.startupTrials = 5
        func lateDistance(_ sampler: Sampler) throws -> Double {
            let study = try Study.create(name: "tpe", direction: .maximize, sampler: sampler)
            _ = try asha().run(study: study, objective: Toy(), trials: 40)
            let late = try study.trials.suffix(20).compactMap { $0.params["x"]?.doubleValue }
            return late.map { abs($0 - 0.7) }.sorted()[10]
        }
        let random = try lateDistance(RandomSampler(seed: 6))
        let tpe = try lateDistance(TPESampler(seed: 6, options: options))
        XCTAssertLessThan(tpe, 0.1)
        XCTAssertLessThan(tpe, random / 2, "TPE \(tpe) vs random \(random)")
    }

    func testAStopPausesEveryTrialAsInterrupted() throws {
        let study = try Study.create(name: "stop", direction: .maximize, sampler: RandomSampler(seed: 1))
        let calls = UsageBox()
        _ = try asha().run(study: study, objective: Toy(), trials: 20, concurrency: 2, stop: {
            calls.add(SchedulerUsage(trialsStarted: 1))
            return calls.total.trialsStarted > 8
        })
        let trials = try study.trials
        XCTAssertFalse(trials.isEmpty)
        XCTAssertLessThan(trials.count, 20)
        XCTAssertFalse(trials.contains { $0.state == .running })
        XCTAssertTrue(trials.filter { $0.state == .pruned }.allSatisfy { $0.failReason?.hasPrefix("run interrupted at resource") == true })
    }

    func testAFailingTrialIsRecordedAndTheRunGoesOn() throws {
        struct Flaky: ResumableObjective {
            func start(_ trial: Trial) throws -> Toy.Run {
                if trial.number == 2 { throw StudyError.invalidArgument("cannot start") }
                return try Toy().start(trial)
            }
            func advance(_ run: Toy.Run, of trial: Trial, to resource: Int) throws -> Double {
                trial.number == 4 ? .nan : try Toy().advance(run, of: trial, to: resource)
            }
        }
        let study = try Study.create(name: "flaky", direction: .maximize, sampler: RandomSampler(seed: 1))
        _ = try asha().run(study: study, objective: Flaky(), trials: 12)
        let trials = try study.trials
        XCTAssertEqual(trials.count, 12)
        XCTAssertEqual(trials[2].state, .failed)
        XCTAssertEqual(trials[2].failReason, "cannot start")
        XCTAssertEqual(trials[4].state, .failed)
        XCTAssertTrue(trials[4].failReason?.contains("not finite") == true)
        XCTAssertFalse(trials.contains { $0.state == .running })
    }
}

/// Adds up usages from several threads.
final class UsageBox: @unchecked Sendable {
    private let lock = NSLock()
    private var sum = SchedulerUsage()

    func add(_ usage: SchedulerUsage) {
        lock.withLock {
            sum.resource += usage.resource
            sum.fullBudgetEquivalent += usage.fullBudgetEquivalent
            sum.trialsStarted += usage.trialsStarted
        }
    }

    var total: SchedulerUsage { lock.withLock { sum } }
}
