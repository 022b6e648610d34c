import XCTest
@testable import MetaTune

final class StudyTests: XCTestCase {
    private struct Boom: Error, CustomStringConvertible {
        var description: String { "boom" }
    }

    func testAskTellRecordsParamsValuesAndNumbers() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler(seed: 1))
        for i in 0..<3 {
            let trial = try study.ask()
            XCTAssertEqual(trial.number, i)
            let x = try trial.suggestFloat("x", in: -1...1)
            XCTAssertTrue((-1...1).contains(x))
            try study.tell(trial, value: x * x)
        }
        let trials = try study.trials
        XCTAssertEqual(trials.map(\.number), [0, 1, 2])
        XCTAssertTrue(trials.allSatisfy { $0.state == .complete && $0.params["x"] != nil && $0.completedAt != nil })
        let best = try XCTUnwrap(try study.bestTrial)
        XCTAssertEqual(best.value, trials.compactMap(\.value).min())
    }

    func testMaximizeChoosesTheLargestValue() throws {
        let study = try Study.create(name: "s", direction: .maximize, sampler: RandomSampler())
        try study.optimize(trials: 10) { trial in try trial.suggestFloat("x", in: 0...1) }
        let values = try study.trials.compactMap(\.value)
        XCTAssertEqual(try study.bestTrial?.value, values.max())
    }

    func testSameNameTwiceReturnsTheSameValueAndRedefinitionFails() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler())
        let trial = try study.ask()
        let first = try trial.suggestFloat("x", in: 0...1)
        XCTAssertEqual(try trial.suggestFloat("x", in: 0...1), first)
        XCTAssertThrowsError(try trial.suggestFloat("x", in: 0...2)) { error in
            guard case .redefined(name: "x", _, _)? = error as? SearchSpaceError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try trial.suggestInt("x", in: 0...2))
    }

    func testInvalidRangesInDefineByRunAreErrors() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler())
        let trial = try study.ask()
        XCTAssertThrowsError(try trial.suggestFloat("lr", low: 0.1, high: 0.01))
        XCTAssertThrowsError(try trial.suggestFloat("lr", low: 0, high: 1, log: true))
        XCTAssertThrowsError(try trial.suggestInt("n", low: 1, high: 10, step: 4))
        XCTAssertThrowsError(try trial.suggestCategorical("c", [String]()))
    }

    func testThrowingOrNonFiniteObjectivesFailTheTrialAndTheStudyGoesOn() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler())
        try study.optimize(trials: 4) { trial in
            let x = try trial.suggestFloat("x", in: 0...1)
            switch trial.number {
            case 0: throw Boom()
            case 1: return .nan
            case 2: return .infinity
            default: return x
            }
        }
        let trials = try study.trials
        XCTAssertEqual(trials.map(\.state), [.failed, .failed, .failed, .complete])
        XCTAssertEqual(trials[0].failReason, "boom")
        XCTAssertEqual(trials[1].failReason, "the objective returned nan")
        XCTAssertEqual(trials[2].failReason, "the objective returned inf")
        XCTAssertNil(trials[1].value)
        XCTAssertEqual(try study.bestTrial?.number, 3)
    }

    func testTellWithNaNReturnsFailed() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler())
        let trial = try study.ask()
        XCTAssertEqual(try study.tell(trial, value: .nan), .failed)
        XCTAssertThrowsError(try study.tell(trial, value: 1), "a finished trial cannot be told again")
    }

    func testPrunedObjectiveIsRecordedAsPruned() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler())
        try study.optimize(trials: 1) { trial in
            try trial.report(0.5, step: 1)
            throw TrialPruned()
        }
        let trial = try XCTUnwrap(try study.trials.first)
        XCTAssertEqual(trial.state, .pruned)
        XCTAssertEqual(trial.intermediateValues, [1: 0.5])
    }

    func testEnqueuedParametersAreEvaluatedFirst() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler())
        try study.enqueue(["x": 0.25, "opt": "adam"])
        try study.enqueue(["x": 0.75])
        var seen: [(Double, String)] = []
        for _ in 0..<3 {
            let trial = try study.ask()
            let x = try trial.suggestFloat("x", in: 0...1)
            let opt = try trial.suggestCategorical("opt", ["sgd", "adam"])
            seen.append((x, opt))
            try study.tell(trial, value: x)
        }
        XCTAssertEqual(seen[0].0, 0.25)
        XCTAssertEqual(seen[0].1, "adam")
        XCTAssertEqual(seen[1].0, 0.75)
        XCTAssertEqual(try study.trials.map(\.number), [0, 1, 2])
    }

    func testEnqueuedValueOutsideTheDistributionIsAnError() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler())
        try study.enqueue(["x": 5])
        let trial = try study.ask()
        XCTAssertThrowsError(try trial.suggestFloat("x", in: 0...1)) { error in
            XCTAssertTrue("\(error)".contains("'x'"))
        }
    }

    func testUserAttributesAndIntermediateValuesAreStored() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler())
        let trial = try study.ask()
        try trial.setUserAttribute("note", .string("hello"))
        try trial.report(0.9, step: 0)
        try trial.report(0.5, step: 1)
        XCTAssertThrowsError(try trial.report(0.1, step: -1))
        try study.tell(trial, value: 0.5)
        let stored = try XCTUnwrap(try study.trials.first)
        XCTAssertEqual(stored.userAttributes["note"], .string("hello"))
        XCTAssertEqual(stored.intermediateValues, [0: 0.9, 1: 0.5])
    }

    func testCreateLoadAndDirectionMismatch() throws {
        let storage = InMemoryStorage()
        _ = try Study.create(name: "s", direction: .maximize, storage: storage)
        XCTAssertThrowsError(try Study.create(name: "s", direction: .maximize, storage: storage)) { error in
            XCTAssertEqual(error as? StorageError, .studyExists("s"))
        }
        XCTAssertEqual(try Study.create(name: "s", direction: .maximize, storage: storage, loadIfExists: true).direction, .maximize)
        XCTAssertThrowsError(try Study.create(name: "s", direction: .minimize, storage: storage, loadIfExists: true))
        XCTAssertEqual(try Study.load(name: "s", storage: storage).direction, .maximize)
        XCTAssertThrowsError(try Study.load(name: "missing", storage: storage)) { error in
            XCTAssertEqual(error as? StorageError, .noSuchStudy("missing"))
        }
    }

    func testConcurrentOptimizeRunsExactlyTheRequestedTrials() throws {
        let study = try Study.create(name: "s", sampler: TPESampler(seed: 3))
        try study.optimize(trials: 60, concurrency: 4) { trial in
            let x = try trial.suggestFloat("x", in: -5...5)
            let n = try trial.suggestInt("n", in: 1...4)
            return x * x + Double(n)
        }
        let trials = try study.trials
        XCTAssertEqual(trials.count, 60)
        XCTAssertEqual(trials.map(\.number), Array(0..<60))
        XCTAssertTrue(trials.allSatisfy { $0.state == .complete })
    }

    func testTimeoutStopsTheRun() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler())
        try study.optimize(timeout: 0.3) { trial in
            Thread.sleep(forTimeInterval: 0.05)
            return try trial.suggestFloat("x", in: 0...1)
        }
        let count = try study.trials.count
        XCTAssertGreaterThan(count, 0)
        XCTAssertLessThan(count, 20)
    }

    func testOptimizeRejectsBadArguments() throws {
        let study = try Study.create(name: "s", sampler: RandomSampler())
        XCTAssertThrowsError(try study.optimize { _ in 0 })
        XCTAssertThrowsError(try study.optimize(trials: -1) { _ in 0 })
        XCTAssertThrowsError(try study.optimize(trials: 1, concurrency: 0) { _ in 0 })
    }

    func testAskWithSpaceSuggestsOnlyActiveParameters() throws {
        let space = try SearchSpaceFile.parse("""
        optimizer: {type: categorical, choices: [sgd, adam]}
        momentum: {type: float, low: 0, high: 0.99, when: {optimizer: sgd}}
        """)
        let study = try Study.create(name: "s", sampler: RandomSampler(seed: 2))
        for _ in 0..<20 {
            let trial = try study.ask(space: space)
            let params = trial.params
            XCTAssertEqual(params["momentum"] != nil, params["optimizer"] == "sgd")
            try study.tell(trial, value: 0)
        }
    }

    func testIncrementalHistorySeesChangesFromAnotherStudyObject() throws {
        let storage = InMemoryStorage()
        let a = try Study.create(name: "s", sampler: RandomSampler(), storage: storage)
        let b = try Study.load(name: "s", storage: storage, sampler: RandomSampler())
        let trial = try a.ask()
        _ = try trial.suggestFloat("x", in: 0...1)
        XCTAssertEqual(try b.history().trials.first?.state, .running)
        try a.tell(trial, value: 1)
        XCTAssertEqual(try b.history().trials.first?.state, .complete)
        XCTAssertEqual(try b.history().trials.first?.value, 1)
    }
}

final class StudyConcurrencyTests: XCTestCase {
    /// `concurrency` trials really run at once, even beyond the number of cores.
    func testConcurrencyRunsThatManyTrialsAtOnce() throws {
        final class Counter: @unchecked Sendable {
            private let lock = NSLock()
            private var running = 0
            private(set) var peak = 0
            func enter() { lock.lock(); running += 1; peak = max(peak, running); lock.unlock() }
            func leave() { lock.lock(); running -= 1; lock.unlock() }
        }
        let counter = Counter()
        let study = try Study.create(name: "c", sampler: RandomSampler())
        try study.optimize(trials: 8, concurrency: 8) { trial in
            counter.enter()
            defer { counter.leave() }
            Thread.sleep(forTimeInterval: 0.2)
            return try trial.suggestFloat("x", in: 0...1)
        }
        XCTAssertEqual(counter.peak, 8)
        XCTAssertEqual(try study.trials.count, 8)
    }
}
