import Foundation
import XCTest
import TestSupport
import MetaTune
@testable import MetaTuneSQLite

/// One contract, every storage: each test runs against the in-memory store and a SQLite file.
final class StorageContractTests: XCTestCase {
    private var temporary: TemporaryDirectory!
    private var directory: URL { temporary.url }

    override func setUpWithError() throws {
        temporary = try TemporaryDirectory("metatune-storage")
    }

    override func tearDownWithError() throws {
        temporary = nil
    }

    private func storages() throws -> [(String, Storage)] {
        [("memory", InMemoryStorage()),
         ("sqlite", try SQLiteStorage(path: directory.appendingPathComponent("s-\(UUID().uuidString).sqlite").path))]
    }

    func testStudiesCanBeCreatedFoundListedAndDeleted() throws {
        for (name, storage) in try storages() {
            let a = try storage.createStudy(name: "a", direction: .minimize)
            let b = try storage.createStudy(name: "b", direction: .maximize)
            XCTAssertThrowsError(try storage.createStudy(name: "a", direction: .minimize), name) { error in
                XCTAssertEqual(error as? StorageError, .studyExists("a"))
            }
            XCTAssertEqual(try storage.study(named: "b")?.direction, .maximize, name)
            XCTAssertNil(try storage.study(named: "c"), name)
            XCTAssertEqual(try storage.allStudies().map(\.name), ["a", "b"], name)
            _ = try storage.createTrial(studyID: a.id, state: .running, systemAttributes: [:], owner: nil, limit: nil)
            try storage.deleteStudy(id: a.id)
            XCTAssertEqual(try storage.allStudies().map(\.id), [b.id], name)
            XCTAssertThrowsError(try storage.deleteStudy(id: a.id), name)
            try storage.setStudyAttribute(studyID: b.id, key: "k", value: .string("v"), system: false)
            XCTAssertEqual(try storage.study(named: "b")?.userAttributes["k"], .string("v"), name)
        }
    }

    func testTrialsRoundTripEveryKindOfValue() throws {
        let distributions: [String: (Distribution, ParamValue)] = [
            "float": (.float(try FloatDistribution(low: 0, high: 2)), .float(1.0)),
            "log": (.float(try FloatDistribution(low: 1e-5, high: 1, log: true)), .float(3.3e-4)),
            "step": (.float(try FloatDistribution(low: 0, high: 1, step: 0.1)), .float(0.3)),
            "int": (.int(try IntDistribution(low: 16, high: 512, log: true)), .int(37)),
            "choice": (.categorical(try CategoricalDistribution(choices: [1.0, 2, "x", true])), .float(1.0)),
            "flag": (.categorical(try CategoricalDistribution(choices: [false, true])), .bool(true)),
        ]
        for (name, storage) in try storages() {
            let study = try storage.createStudy(name: "s", direction: .minimize)
            let owner = TrialOwner(host: "h", pid: 42, processStart: 7)
            let trial = try XCTUnwrap(try storage.createTrial(studyID: study.id, state: .running, systemAttributes: ["a": .number(1)],
                                                              owner: owner, limit: nil))
            XCTAssertEqual(trial.number, 0, name)
            for (param, (distribution, value)) in distributions {
                try storage.setTrialParam(trialID: trial.id, name: param, value: value, distribution: distribution)
            }
            XCTAssertThrowsError(try storage.setTrialParam(trialID: trial.id, name: "bad", value: .float(5),
                                                           distribution: distributions["float"]!.0), name)
            try storage.setIntermediateValues(trialID: trial.id, values: [0: 0.5])
            try storage.setIntermediateValues(trialID: trial.id, values: [3: .nan])
            try storage.setTrialAttribute(trialID: trial.id, key: "note", value: .array([.string("x"), .null]), system: false)
            try storage.finishTrial(trialID: trial.id, state: .complete, value: 0.25, reason: nil)
            let stored = try storage.trial(id: trial.id)
            XCTAssertEqual(stored.state, .complete, name)
            XCTAssertEqual(stored.value, 0.25, name)
            for (param, (distribution, value)) in distributions {
                XCTAssertEqual(stored.params[param], value, "\(name) \(param)")
                XCTAssertEqual(stored.distributions[param], distribution, "\(name) \(param)")
            }
            XCTAssertEqual(stored.intermediateValues[0], 0.5, name)
            XCTAssertTrue(stored.intermediateValues[3]!.isNaN, name)
            XCTAssertEqual(stored.userAttributes["note"], .array([.string("x"), .null]), name)
            XCTAssertEqual(stored.systemAttributes["a"], .number(1), name)
            XCTAssertEqual(stored.owner, owner, name)
            XCTAssertNotNil(stored.startedAt, name)
            XCTAssertNotNil(stored.completedAt, name)
        }
    }

    func testFinishedTrialsNeverChange() throws {
        for (name, storage) in try storages() {
            let study = try storage.createStudy(name: "s", direction: .minimize)
            let trial = try XCTUnwrap(try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: nil, limit: nil))
            XCTAssertThrowsError(try storage.finishTrial(trialID: trial.id, state: .complete, value: .nan, reason: nil), name)
            XCTAssertThrowsError(try storage.finishTrial(trialID: trial.id, state: .complete, value: nil, reason: nil), name)
            XCTAssertThrowsError(try storage.finishTrial(trialID: trial.id, state: .running, value: nil, reason: nil), name)
            try storage.finishTrial(trialID: trial.id, state: .failed, value: nil, reason: "boom")
            XCTAssertThrowsError(try storage.finishTrial(trialID: trial.id, state: .complete, value: 1, reason: nil), name) { error in
                XCTAssertEqual(error as? StorageError, .trialFinished(number: 0, state: .failed))
            }
            XCTAssertThrowsError(try storage.setIntermediateValues(trialID: trial.id, values: [1: 1]), name)
            XCTAssertThrowsError(try storage.recordHeartbeat(trialID: trial.id), name)
            XCTAssertEqual(try storage.trial(id: trial.id).failReason, "boom", name)
        }
    }

    func testWaitingTrialsAreClaimedOnceInOrder() throws {
        for (name, storage) in try storages() {
            let study = try storage.createStudy(name: "s", direction: .minimize)
            for i in 0..<2 {
                _ = try storage.createTrial(studyID: study.id, state: .waiting, systemAttributes: ["i": .number(Double(i))],
                                            owner: nil, limit: nil)
            }
            let first = try XCTUnwrap(try storage.claimWaitingTrial(studyID: study.id, owner: .current))
            XCTAssertEqual(first.number, 0, name)
            XCTAssertEqual(first.state, .running, name)
            XCTAssertEqual(first.owner, .current, name)
            XCTAssertEqual(try storage.claimWaitingTrial(studyID: study.id, owner: nil)?.number, 1, name)
            XCTAssertNil(try storage.claimWaitingTrial(studyID: study.id, owner: nil), name)
        }
    }

    func testLimitCapsTheTrialCountAtomically() throws {
        for (name, storage) in try storages() {
            let study = try storage.createStudy(name: "s", direction: .minimize)
            let numbers = NumberLog()
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                while let trial = try? storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:],
                                                           owner: nil, limit: 60) {
                    numbers.add(trial.number)
                }
            }
            XCTAssertEqual(numbers.sorted, Array(0..<60), name)
            XCTAssertEqual(try storage.allTrials(studyID: study.id).count, 60, name)
        }
    }

    func testIncrementalReadsReturnOnlyWhatChanged() throws {
        for (name, storage) in try storages() {
            let study = try storage.createStudy(name: "s", direction: .minimize)
            let a = try XCTUnwrap(try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: nil, limit: nil))
            let b = try XCTUnwrap(try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: nil, limit: nil))
            let all = try storage.trials(studyID: study.id, changedAfter: 0)
            XCTAssertEqual(all.trials.map(\.number), [0, 1], name)
            XCTAssertTrue(try storage.trials(studyID: study.id, changedAfter: all.revision).trials.isEmpty, name)
            try storage.setIntermediateValues(trialID: b.id, values: [2: 0.1])
            let changed = try storage.trials(studyID: study.id, changedAfter: all.revision)
            XCTAssertEqual(changed.trials.map(\.number), [1], name)
            XCTAssertEqual(changed.trials.first?.intermediateValues, [2: 0.1], name)
            XCTAssertGreaterThan(changed.revision, all.revision, name)
            _ = a
        }
    }

    func testHeartbeatMovesForward() throws {
        final class Clock: @unchecked Sendable {
            var now = Date(timeIntervalSince1970: 1000)
        }
        let clock = Clock()
        let storages: [Storage] = [InMemoryStorage(clock: { clock.now }),
                                   try SQLiteStorage(path: directory.appendingPathComponent("hb.sqlite").path, clock: { clock.now })]
        for storage in storages {
            let study = try storage.createStudy(name: "s", direction: .minimize)
            let trial = try XCTUnwrap(try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: nil, limit: nil))
            XCTAssertEqual(try storage.trial(id: trial.id).heartbeatAt, Date(timeIntervalSince1970: 1000))
            clock.now = Date(timeIntervalSince1970: 1030)
            try storage.recordHeartbeat(trialID: trial.id)
            XCTAssertEqual(try storage.trial(id: trial.id).heartbeatAt, Date(timeIntervalSince1970: 1030))
            clock.now = Date(timeIntervalSince1970: 1000)
        }
    }

    func testStudyRunsUnchangedOnEveryStorage() throws {
        for (name, storage) in try storages() {
            let study = try Study.create(name: "s", sampler: TPESampler(seed: 3), storage: storage)
            try study.optimize(trials: 25, concurrency: 2) { trial in
                let x = try trial.suggestFloat("x", in: -3...3)
                let kind = try trial.suggestCategorical("kind", ["a", "b"])
                try trial.report(x * x, step: 0)
                return x * x + (kind == "a" ? 0 : 1)
            }
            let trials = try study.trials
            XCTAssertEqual(trials.map(\.number), Array(0..<25), name)
            XCTAssertTrue(trials.allSatisfy { $0.state == .complete && $0.intermediateValues.count == 1 }, name)
        }
    }

    /// Issue 16, finding 11: a study's history follows a long learning curve by reading only the
    /// values set since its last read (SQLite), and merges them into the whole curve; a batch of
    /// values is one write.
    func testALearningCurveIsReadIncrementallyAndMergedWhole() throws {
        for (name, storage) in try storages() {
            let study = try Study.create(name: "c", direction: .minimize, sampler: RandomSampler(seed: 1), storage: storage)
            let trial = try study.ask()
            try trial.report(Dictionary(uniqueKeysWithValues: (0..<500).map { ($0, Double($0)) }))
            var history = try study.history()
            XCTAssertEqual(history.trials[0].intermediateValues.count, 500, name)
            let revision = try storage.trials(studyID: study.id, changedAfter: 0).revision
            try trial.report(0.5, step: 500)
            try trial.report(-1, step: 7)  // a step reported again replaces its value
            let changes = try storage.trials(studyID: study.id, changedAfter: revision)
            XCTAssertEqual(changes.trials.count, 1, name)
            if name == "sqlite" {
                XCTAssertEqual(changes.trials[0].intermediateValues, [500: 0.5, 7: -1], "only what changed is read again")
            }
            history = try study.history()
            XCTAssertEqual(history.trials[0].intermediateValues.count, 501, name)
            XCTAssertEqual(history.trials[0].intermediateValues[7], -1, name)
            XCTAssertEqual(history.trials[0].intermediateValues[499], 499, name)
            XCTAssertEqual(try storage.allTrials(studyID: study.id)[0].intermediateValues, history.trials[0].intermediateValues, name)
        }
    }
}

/// Collects numbers from many threads.
final class NumberLog: @unchecked Sendable {
    private let lock = NSLock()
    private var numbers: [Int] = []
    func add(_ number: Int) { lock.withLock { numbers.append(number) } }
    var sorted: [Int] { lock.withLock { numbers.sorted() } }
}
