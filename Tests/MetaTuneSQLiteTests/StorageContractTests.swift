import Foundation
import XCTest
import TestSupport
import MetaTune
import MetaTuneTesting
@testable import MetaTuneSQLite

/// One contract, every storage: `MetaTuneTesting.StorageContract` against the in-memory store and
/// a SQLite file (what a new storage, e.g. PostgreSQL, runs too).
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

    func testTheInMemoryStorageKeepsTheContract() throws {
        try StorageContract.verify("memory") { clock in InMemoryStorage(clock: clock) }
    }

    func testTheSQLiteStorageKeepsTheContract() throws {
        try StorageContract.verify("sqlite") { clock in
            try SQLiteStorage(path: self.directory.appendingPathComponent("s-\(UUID().uuidString).sqlite").path, clock: clock)
        }
    }

    /// The contract finds a broken storage: one that forgets learning-curve values.
    func testTheContractCatchesAStorageThatLosesLearningCurves() throws {
        XCTAssertThrowsError(try StorageContract.verify("forgetful") { clock in ForgetfulStorage(clock: clock) }) { error in
            XCTAssertEqual((error as? ContractViolation)?.check, "round trip", "\(error)")
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


/// An in-memory storage that drops every learning-curve value: the contract must notice.
private final class ForgetfulStorage: Storage, @unchecked Sendable {
    private let base: InMemoryStorage
    init(clock: @escaping @Sendable () -> Date) { base = InMemoryStorage(clock: clock) }
    var isSharedBetweenProcesses: Bool { false }
    func createStudy(name: String, direction: StudyDirection) throws -> StudyRecord { try base.createStudy(name: name, direction: direction) }
    func study(named name: String) throws -> StudyRecord? { try base.study(named: name) }
    func allStudies() throws -> [StudyRecord] { try base.allStudies() }
    func deleteStudy(id: Int) throws { try base.deleteStudy(id: id) }
    func setStudyAttribute(studyID: Int, key: String, value: JSONValue, system: Bool) throws {
        try base.setStudyAttribute(studyID: studyID, key: key, value: value, system: system)
    }
    func createTrial(studyID: Int, state: TrialState, systemAttributes: [String: JSONValue], owner: TrialOwner?,
                     limit: Int?) throws -> FrozenTrial? {
        try base.createTrial(studyID: studyID, state: state, systemAttributes: systemAttributes, owner: owner, limit: limit)
    }
    func claimWaitingTrial(studyID: Int, owner: TrialOwner?) throws -> FrozenTrial? { try base.claimWaitingTrial(studyID: studyID, owner: owner) }
    func handOverTrial(trialID: Int, from expected: TrialOwner?, to owner: TrialOwner?) throws -> Bool {
        try base.handOverTrial(trialID: trialID, from: expected, to: owner)
    }
    func setTrialParam(trialID: Int, name: String, value: ParamValue, distribution: Distribution) throws {
        try base.setTrialParam(trialID: trialID, name: name, value: value, distribution: distribution)
    }
    func setIntermediateValues(trialID: Int, values: [Int: Double]) throws {}
    func setTrialAttribute(trialID: Int, key: String, value: JSONValue, system: Bool) throws {
        try base.setTrialAttribute(trialID: trialID, key: key, value: value, system: system)
    }
    func recordHeartbeat(trialID: Int) throws { try base.recordHeartbeat(trialID: trialID) }
    func finishTrial(trialID: Int, state: TrialState, value: Double?, reason: String?) throws {
        try base.finishTrial(trialID: trialID, state: state, value: value, reason: reason)
    }
    func trial(id: Int) throws -> FrozenTrial { try base.trial(id: id) }
    func trials(studyID: Int, changedAfter revision: Int) throws -> TrialChanges { try base.trials(studyID: studyID, changedAfter: revision) }
    func importStudy(_ record: StudyRecord, trials: [FrozenTrial]) throws -> StudyRecord { try base.importStudy(record, trials: trials) }
}
