import Foundation
import MetaTune
import MetaTuneStorages
import MetaTuneSQLite
import TestSupport
import XCTest

/// `optimize` itself recovers what a dead worker left running, as `metatune run` does, so a
/// Swift study whose process was killed resumes by running `optimize` again.
final class OptimizeRecoveryTests: XCTestCase {
    func testOptimizeFailsTheTrialsOfADeadWorkerAndRetriesThemWhenAsked() throws {
        let directory = try TemporaryDirectory("metatune-recovery")
        let storage = try StorageURL.open("sqlite:" + directory.path("s.sqlite"))
        let study = try Study.create(name: "s", sampler: RandomSampler(seed: 1), storage: storage)
        // A trial left running by a process of this host that no longer exists.
        let dead = TrialOwner(host: TrialOwner.current.host, pid: Int32.max - 7, processStart: 1)
        let orphan = try XCTUnwrap(storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:],
                                                       owner: dead, limit: nil))
        try storage.setTrialParam(trialID: orphan.id, name: "x", value: .float(0.25),
                                  distribution: .float(try FloatDistribution(low: 0, high: 1)))
        var evaluated: [Double] = []
        try study.optimize(trials: 2, recovery: OrphanRecovery(heartbeatGrace: 60, retry: true)) { trial in
            let x = try trial.suggestFloat("x", in: 0...1)
            evaluated.append(x)
            return x
        }
        let trials = try study.trials
        XCTAssertEqual(trials[0].state, .failed)
        XCTAssertEqual(trials[0].failReason, Study.heartbeatLostReason)
        XCTAssertEqual(evaluated.first, 0.25, "the orphan's parameters are evaluated again first")
        XCTAssertEqual(trials.filter { $0.state == .complete }.count, 2)
    }

    func testWithoutRecoveryTheOrphanIsLeftAlone() throws {
        let (directory, study) = try studyWithAnOrphan()
        defer { withExtendedLifetime(directory) {} }
        try study.optimize(trials: 1, recovery: nil) { trial in try trial.suggestFloat("x", in: 0...1) }
        XCTAssertEqual(try study.trials.map(\.state), [.running, .complete])
    }

    func testRunningTrialsBeatWhileTheObjectiveWorks() throws {
        let directory = try TemporaryDirectory("metatune-recovery")
        let storage = try StorageURL.open("sqlite:" + directory.path("s.sqlite"))
        let study = try Study.create(name: "s", sampler: RandomSampler(seed: 1), storage: storage)
        var beats: [Date?] = []
        try study.optimize(trials: 1, recovery: OrphanRecovery(heartbeatGrace: 2)) { trial in
            _ = try trial.suggestFloat("x", in: 0...1)
            beats.append(try storage.trial(id: trial.id).heartbeatAt)
            Thread.sleep(forTimeInterval: 1.3)
            beats.append(try storage.trial(id: trial.id).heartbeatAt)
            return 1
        }
        let first = try XCTUnwrap(beats[0] ?? study.trials[0].startedAt)
        let later = try XCTUnwrap(beats[1])
        XCTAssertGreaterThan(later.timeIntervalSince(first), 0.3, "the heartbeat moved on while the trial ran")
    }
}

/// `StudyRunner` fails a dead worker's trials before its first trial and tells its observer.
final class StudyRunnerRecoveryTests: XCTestCase {
    final class Orphans: StudyRunObserver, @unchecked Sendable {
        private let lock = NSLock()
        private(set) var numbers: [Int] = []
        func orphanFailed(_ trial: FrozenTrial) { lock.withLock { numbers.append(trial.number) } }
    }

    func testTheRunnerFailsADeadWorkersTrialsFirstAndSaysSo() throws {
        let (directory, study) = try studyWithAnOrphan()
        defer { withExtendedLifetime(directory) {} }
        let observer = Orphans()
        let outcome = try StudyRunner(study: study, observer: observer).run(.studyTotal(3)) { trial in
            try trial.suggestFloat("x", in: 0...1)
        }
        XCTAssertEqual(observer.numbers, [0])
        XCTAssertEqual(outcome.orphansFailed.map(\.number), [0])
        XCTAssertEqual(try study.trials.map(\.state), [.failed, .complete, .complete], "the orphan counts in the study's total")
    }
}

/// A study in a SQLite file of a temporary folder (kept alive by the caller) whose trial 0 was
/// left running by a process of this host that no longer exists.
private func studyWithAnOrphan() throws -> (TemporaryDirectory, Study) {
    let directory = try TemporaryDirectory("metatune-recovery")
    let storage = try StorageURL.open("sqlite:" + directory.path("s.sqlite"))
    let study = try Study.create(name: "s", sampler: RandomSampler(seed: 1), storage: storage)
    let dead = TrialOwner(host: TrialOwner.current.host, pid: Int32.max - 7, processStart: 1)
    _ = try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: dead, limit: nil)
    return (directory, study)
}
