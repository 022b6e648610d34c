import Foundation
import GRDB
import XCTest
import TestSupport
import MetaTune
@testable import MetaTuneSQLite

/// What is particular to the SQLite file: persistence, several connections, and bad files.
final class SQLiteStorageTests: XCTestCase {
    private var temporary: TemporaryDirectory!
    private var directory: URL { temporary.url }

    override func setUpWithError() throws {
        temporary = try TemporaryDirectory("metatune-sqlite")
    }

    override func tearDownWithError() throws {
        temporary = nil
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func testStudiesSurviveReopening() throws {
        let file = path("a.sqlite")
        do {
            let study = try Study.create(name: "s", direction: .maximize, sampler: RandomSampler(), storage: try SQLiteStorage(path: file))
            try study.optimize(trials: 5) { try $0.suggestFloat("x", in: 0...1) }
        }
        let reopened = try Study.load(name: "s", storage: try SQLiteStorage(path: file))
        XCTAssertEqual(try reopened.trials.count, 5)
        XCTAssertEqual(reopened.direction, .maximize)
        try reopened.optimize(trials: 2) { try $0.suggestFloat("x", in: 0...1) }
        XCTAssertEqual(try reopened.trials.map(\.number), Array(0..<7))
    }

    func testTwoConnectionsShareOneFileWithoutLosingTrials() throws {
        let file = path("shared.sqlite")
        let first = try SQLiteStorage(path: file)
        let second = try SQLiteStorage(path: file)
        let study = try first.createStudy(name: "s", direction: .minimize)
        let numbers = NumberLog()
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            let storage: Storage = worker % 2 == 0 ? first : second
            while let trial = try? storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: nil, limit: 80) {
                try? storage.finishTrial(trialID: trial.id, state: .complete, value: Double(trial.number), reason: nil)
                numbers.add(trial.number)
            }
        }
        XCTAssertEqual(numbers.sorted, Array(0..<80))
        XCTAssertTrue(try second.allTrials(studyID: study.id).allSatisfy { $0.state == .complete })
    }

    func testMissingDirectoryIsAClearError() {
        XCTAssertThrowsError(try SQLiteStorage(path: path("no/such/dir/x.sqlite"))) { error in
            XCTAssertTrue("\(error)".contains("does not exist"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("no")))
    }

    func testAFileThatIsNotADatabaseIsRejectedAndLeftAlone() throws {
        let file = path("notes.sqlite")
        let text = "these are my notes, not a database\n"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try SQLiteStorage(path: file)) { error in
            XCTAssertTrue("\(error)".contains("not a SQLite database"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), text)
    }

    func testAnotherProgramsDatabaseIsRejectedAndLeftAlone() throws {
        let file = path("other.sqlite")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table users(id)'); c.commit()", file]
        try process.run()
        process.waitUntilExit()
        try XCTSkipIf(process.terminationStatus != 0, "python3's sqlite3 is needed to make a foreign database")
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        XCTAssertThrowsError(try SQLiteStorage(path: file)) { error in
            XCTAssertTrue("\(error)".contains("another program"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: file)), before)
    }

    func testATruncatedDatabaseGivesAClearErrorAndNoCrash() throws {
        let file = path("broken.sqlite")
        do {
            let storage = try SQLiteStorage(path: file)
            let study = try storage.createStudy(name: "s", direction: .minimize)
            for _ in 0..<50 { _ = try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: nil, limit: nil) }
        }
        // Keep the header, cut the rest short: SQLite reports a malformed database.
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        try? FileManager.default.removeItem(atPath: file + "-wal")
        try? FileManager.default.removeItem(atPath: file + "-shm")
        var damaged = data.prefix(100)
        damaged.append(Data(repeating: 0xAB, count: 4096))
        try damaged.write(to: URL(fileURLWithPath: file))
        do {
            let storage = try SQLiteStorage(path: file)
            XCTAssertThrowsError(try storage.allStudies())
        } catch {
            XCTAssertTrue("\(error)".contains("broken.sqlite"), "the message names the file: \(error)")
        }
    }

    func testLockedDatabaseTimesOutWithAClearError() throws {
        let file = path("locked.sqlite")
        let storage = try SQLiteStorage(path: file, busyTimeout: 0.2)
        let study = try storage.createStudy(name: "s", direction: .minimize)
        // Hold the write lock from another connection.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('begin immediate'); print('locked', flush=True); time.sleep(3)", file]
        let pipe = Pipe()
        holder.standardOutput = pipe
        try holder.run()
        defer { holder.terminate(); holder.waitUntilExit() }
        _ = pipe.fileHandleForReading.availableData  // wait for "locked"
        try XCTSkipIf(!holder.isRunning, "python3's sqlite3 is needed to hold the lock")
        XCTAssertThrowsError(try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: nil, limit: nil)) { error in
            XCTAssertTrue("\(error)".contains("locked"), "\(error)")
        }
        holder.terminate()
        holder.waitUntilExit()
        XCTAssertNotNil(try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: nil, limit: nil),
                        "works again once the lock is released")
        XCTAssertEqual(try storage.allTrials(studyID: study.id).count, 1, "the failed attempt stored nothing")
    }
}

final class SQLiteConcurrentOpenTests: XCTestCase {
    /// Many connections creating the same new file at once all end up with one schema.
    func testConcurrentFirstOpensOfANewFileAllSucceed() throws {
        let temporary = try TemporaryDirectory("metatune-open")
        for round in 0..<10 {
            let file = temporary.path("new-\(round).sqlite")
            let failures = NumberLog()
            DispatchQueue.concurrentPerform(iterations: 6) { worker in
                do {
                    let storage = try SQLiteStorage(path: file)
                    _ = try storage.allStudies()
                } catch {
                    failures.add(worker)
                }
            }
            XCTAssertEqual(failures.sorted, [], "round \(round)")
        }
    }
}

extension SQLiteStorageTests {
    /// The params column's fast path reads what the storage writes exactly as the JSON decoder
    /// does, and gives up (nil: decode in full) on anything else.
    func testTheParamsFastPathAgreesWithTheJSONDecoderAndGivesUpOnAnythingElse() throws {
        for text in ["{}", #"{"a":1}"#, #"{"l2":0.3333,"layers":3,"lr":1e-05,"optimizer":1}"#, #"{ "x" : -2.5e3 , "y":0 }"#,
                     #"{"lr":0.1,"momentum":0.9,"ünïcode":7}"#] {
            let expected = try JSONDecoder().decode([String: Double].self, from: Data(text.utf8))
            XCTAssertEqual(StoredColumns.flatNumbers(text).map { Dictionary($0, uniquingKeysWith: { $1 }) }, expected, text)
        }
        for text in [#"{"a":"x"}"#, #"{"a\"b":1}"#, #"{"a":{"b":1}}"#, #"{"a":1,}"#, #"{"a":1} x"#, #"{"a":nan}"#, #"{"a":1e999}"#,
                     #"{"a":-inf}"#, #"{"a":1"#, "", "[1]", #"{"a":true}"#] {
            XCTAssertNil(StoredColumns.flatNumbers(text), text)
        }
    }

    /// Meta-learning's read of every study: their complete trials only, with parameters, value,
    /// learning curve and user attributes, the same as in a full read, each under its own study.
    func testCompleteTrialsMatchTheFullReadOfTheCompleteTrials() throws {
        let storage = try SQLiteStorage(path: path("complete.sqlite"))
        let study = try Study.create(name: "s", direction: .maximize, sampler: RandomSampler(seed: 3), storage: storage)
        try study.optimize(trials: 6) { trial in
            let x = try trial.suggestFloat("x", in: 0...1)
            let k = try trial.suggestCategorical("k", ["a", "b"])
            try trial.report(x / 2, step: 0)
            try trial.setUserAttribute("note", .string(k))
            if trial.number == 2 { throw TrialPruned() }
            if trial.number == 4 { throw CancellationError() }
            return x
        }
        let other = try Study.create(name: "other", direction: .minimize, sampler: RandomSampler(seed: 4), storage: storage)
        try other.optimize(trials: 2) { trial in try trial.suggestFloat("y", in: 0...1) }
        _ = try Study.create(name: "empty", direction: .minimize, sampler: RandomSampler(seed: 5), storage: storage)
        let byStudy = try storage.completeTrialsByStudy()
        XCTAssertEqual(Set(byStudy.keys), [study.id, other.id])
        XCTAssertEqual(byStudy[other.id]?.map(\.number), [0, 1])
        XCTAssertEqual(byStudy[other.id]?.compactMap { $0.params["y"] }.count, 2)
        let fast = byStudy[study.id] ?? []
        let full = try storage.allTrials(studyID: study.id).filter { $0.state == .complete }
        XCTAssertEqual(fast.map(\.number), [0, 1, 3, 5])
        XCTAssertEqual(fast.map(\.params), full.map(\.params))
        XCTAssertEqual(fast.map(\.value), full.map(\.value))
        XCTAssertEqual(fast.map(\.intermediateValues), full.map(\.intermediateValues))
        XCTAssertEqual(fast.map(\.userAttributes), full.map(\.userAttributes))
    }

    /// Issue 16, finding 12: each distinct distribution is stored once per study, not with every
    /// trial — a categorical of 100,000 choices once.
    func testEachDistributionIsStoredOncePerStudy() throws {
        let file = path("choices.sqlite")
        let storage = try SQLiteStorage(path: file)
        let choices = (0..<100_000).map { ParamValue.string("c\($0)") }
        let study = try Study.create(name: "wide", direction: .minimize, sampler: RandomSampler(seed: 2), storage: storage)
        try study.optimize(trials: 5) { trial in
            let choice = try trial.suggestCategorical("choice", choices)
            let x = try trial.suggestFloat("x", in: 0...1)
            return x + Double(choice.stringValue!.dropFirst().count)
        }
        let trials = try storage.allTrials(studyID: study.id)
        XCTAssertEqual(trials.count, 5)
        XCTAssertTrue(trials.allSatisfy { $0.distributions["choice"]?.summary.hasPrefix("categorical{c0, c1") == true })
        XCTAssertTrue(trials.allSatisfy { choices.contains($0.params["choice"]!) })
        let queue = try DatabaseQueue(path: file)
        let (stored, longest) = try queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM study_distributions") ?? -1,
             try Int.fetchOne(db, sql: "SELECT max(length(distributions)) FROM trials") ?? -1)
        }
        XCTAssertEqual(stored, 2, "one row per distinct distribution of the study")
        XCTAssertLessThan(longest, 64, "a trial refers to its distributions by id")
    }

    /// A storage written before distributions were stored once per study is migrated on opening:
    /// its trials read back with the same distributions and parameters.
    func testAnOlderStorageIsMigratedToDistributionsOncePerStudy() throws {
        let file = path("old.sqlite")
        let queue = try DatabaseQueue(path: file)
        try SQLiteSchema.migrator.migrate(queue, upTo: "v2-intermediate-revisions")
        let old = #"{"k":{"categorical":{"_0":{"choices":[{"string":"a"},{"string":"b"}]}}},"x":{"float":{"_0":{"high":1,"log":false,"low":0}}}}"#
        try queue.write { db in
            try db.execute(sql: "INSERT INTO studies (name, direction, created_at, revision, trial_count) VALUES ('s', 'minimize', 0, 1, 2)")
            for number in 0..<2 {
                try db.execute(sql: """
                    INSERT INTO trials (study_id, number, state, value, params, distributions, revision)
                    VALUES (1, ?, 'complete', 0.5, ?, ?, 1)
                    """, arguments: [number, #"{"k":\#(number),"x":0.25}"#, old])
            }
        }
        try queue.close()
        let storage = try SQLiteStorage(path: file)
        let trials = try storage.allTrials(studyID: 1)
        XCTAssertEqual(trials.map { $0.params["k"] }, [.string("a"), .string("b")])
        XCTAssertEqual(trials.map { $0.params["x"] }, [.float(0.25), .float(0.25)])
        XCTAssertEqual(trials[0].distributions["x"], .float(try FloatDistribution(low: 0, high: 1)))
        XCTAssertEqual(try storage.completeTrialsByStudy()[1]?.count, 2)
    }
}

/// Collects numbers from many threads.
final class NumberLog: @unchecked Sendable {
    private let lock = NSLock()
    private var numbers: [Int] = []
    func add(_ number: Int) { lock.withLock { numbers.append(number) } }
    var sorted: [Int] { lock.withLock { numbers.sorted() } }
}
