import Foundation
import MetaTune
import TestSupport
import XCTest
@testable import MetaTunePostgres

/// What the PostgreSQL storage adds to the contract: many writers with their own connections,
/// a server that restarts under them, late results, read-only opens and clear failures.
final class PostgresStorageTests: XCTestCase {
    private func fresh(_ suffix: String = "") throws -> (PostgresTestServer, PostgresLocation) {
        let server = try PostgresTestServer.shared()
        try server.reset()
        return (server, try PostgresLocation(server.url + suffix))
    }

    func testWritersWithTheirOwnConnectionsGetGapFreeNumbersOnceEach() throws {
        let (_, location) = try fresh("?pool=2")
        // Four storages stand for four runner processes, each with its own pool, and four threads each.
        let storages = try (0..<4).map { _ in try PostgresStorage(location: location) }
        let study = try storages[0].createStudy(name: "shared", direction: .minimize)
        let numbers = Numbers()
        DispatchQueue.concurrentPerform(iterations: 16) { worker in
            let storage = storages[worker % 4]
            while let trial = try? storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: .current, limit: 200) {
                numbers.add(trial.number)
                try? storage.finishTrial(trialID: trial.id, state: .complete, value: Double(trial.number), reason: nil)
            }
        }
        XCTAssertEqual(numbers.sorted, Array(0..<200))
        let stored = try storages[1].allTrials(studyID: study.id)
        XCTAssertEqual(stored.map(\.number), Array(0..<200))
        XCTAssertTrue(stored.allSatisfy { $0.state == .complete && $0.value == Double($0.number) })
    }

    func testARestartOfTheServerIsRiddenOutWithoutALostOrDoubledTrial() throws {
        let (server, location) = try fresh("?timeout=5&retry=60")
        let storage = try PostgresStorage(location: location)
        let study = try storage.createStudy(name: "restart", direction: .minimize)
        let errors = Numbers()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            for index in 0..<150 {
                do {
                    guard let trial = try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:],
                                                              owner: .current, limit: nil) else { continue }
                    try storage.setTrialParam(trialID: trial.id, name: "x", value: .float(Double(index) / 150),
                                              distribution: .float(try FloatDistribution(low: 0, high: 1)))
                    try storage.setIntermediateValues(trialID: trial.id, values: [0: 1, 1: 0.5])
                    try storage.finishTrial(trialID: trial.id, state: .complete, value: Double(index), reason: nil)
                } catch {
                    errors.add(index)
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
            done.signal()
        }
        Thread.sleep(forTimeInterval: 0.5)
        // Stopped (connections terminated), 2 s down, back up. Not a crash: the test server runs
        // with synchronous_commit off, which may lose the last commits in a crash by design.
        try server.control("pause", ["2"])
        XCTAssertEqual(done.wait(timeout: .now() + 120), .success)
        XCTAssertEqual(errors.sorted, [], "operations failed through the restart")
        let trials = try storage.allTrials(studyID: study.id)
        XCTAssertEqual(trials.map(\.number), Array(0..<150))
        XCTAssertTrue(trials.allSatisfy { $0.state == .complete && $0.intermediateValues == [0: 1, 1: 0.5] && $0.params["x"] != nil },
                      "\(trials.filter { $0.state != .complete }.map(\.number))")
    }

    func testALateResultForATrialFailedMeanwhileIsRefusedAndKept() throws {
        let (_, location) = try fresh()
        let runner = try PostgresStorage(location: location), recoverer = try PostgresStorage(location: location)
        let study = try runner.createStudy(name: "late", direction: .minimize)
        let trial = try XCTUnwrap(try runner.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: .current, limit: nil))
        try recoverer.finishTrial(trialID: trial.id, state: .failed, value: nil, reason: "orphaned: no heartbeat")
        XCTAssertThrowsError(try runner.finishTrial(trialID: trial.id, state: .complete, value: 0.5, reason: nil)) {
            XCTAssertEqual($0 as? StorageError, .trialFinished(number: 0, state: .failed))
        }
        let stored = try runner.trial(id: trial.id)
        XCTAssertEqual(stored.state, .failed)
        XCTAssertEqual(stored.failReason, "orphaned: no heartbeat")
        guard case .object(let late)? = stored.systemAttributes["late_result"] else { return XCTFail("\(stored.systemAttributes)") }
        XCTAssertEqual(late["state"], .string("complete"))
        XCTAssertEqual(late["value"], .number(0.5))
    }

    func testReadOnlyOpensWriteNothingAndRefuseWrites() throws {
        let (server, location) = try fresh()
        XCTAssertThrowsError(try PostgresStorage(location: location, readOnly: true)) {
            XCTAssertTrue("\($0)".contains("holds no MetaTune studies yet"), "\($0)")
        }
        XCTAssertEqual(try server.psql("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'metatune%'"), "0\n")
        _ = try PostgresStorage(location: location).createStudy(name: "s", direction: .minimize)
        let reader = try PostgresStorage(location: location, readOnly: true)
        XCTAssertEqual(try reader.allStudies().map(\.name), ["s"])
        XCTAssertThrowsError(try reader.createStudy(name: "t", direction: .minimize)) {
            XCTAssertTrue("\($0)".contains("read-only"), "\($0)")
        }
    }

    func testAWrongPasswordOrNoServerFailsClearlyWithoutThePassword() throws {
        let (server, _) = try fresh()
        var wrong = try PostgresLocation(server.url)
        wrong.password = "not-the-password"
        let started = Date()
        XCTAssertThrowsError(try PostgresStorage(location: wrong)) { error in
            XCTAssertTrue("\(error)".contains("password authentication failed"), "\(error)")
            XCTAssertFalse("\(error)".contains("not-the-password"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "a refused password is not retried")
        // Nothing listens on port 1: retried for the `retry` window, then a message naming the server.
        let nowhere = try PostgresLocation("postgresql://u:secret@127.0.0.1:1/d?retry=1&connect_timeout=1")
        XCTAssertThrowsError(try PostgresStorage(location: nowhere)) { error in
            XCTAssertTrue("\(error)".contains("PostgreSQL at 127.0.0.1:1/d"), "\(error)")
            XCTAssertFalse("\(error)".contains("secret"), "\(error)")
        }
    }
}

/// Numbers collected from many threads.
private final class Numbers: @unchecked Sendable {
    private let lock = NSLock()
    private var numbers: [Int] = []
    func add(_ number: Int) { lock.withLock { numbers.append(number) } }
    var sorted: [Int] { lock.withLock { numbers.sorted() } }
}
