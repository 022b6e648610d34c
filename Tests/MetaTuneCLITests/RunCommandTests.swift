import Foundation
import XCTest
import TestSupport
import MetaTune
import MetaTuneSQLite

/// `metatune run` and `metatune study` end to end, with real processes and a real SQLite file.
final class RunCommandTests: CLITestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        try "x: {type: float, low: -2, high: 2}\nkind: {type: categorical, choices: [a, b]}\n"
            .write(to: directory.appendingPathComponent("space.yaml"), atomically: true, encoding: .utf8)
    }

    private var databasePath: String { directory.appendingPathComponent("metatune.sqlite").path }

    private func trials(_ study: String) throws -> [FrozenTrial] {
        let storage = try SQLiteStorage(path: databasePath)
        guard let record = try storage.study(named: study) else { throw StorageError.noSuchStudy(study) }
        return try storage.allTrials(studyID: record.id)
    }

    func testRunStoresEveryTrialAndPrintsJSONLines() throws {
        let result = try cli.run(["run", "--study", "s", "--space", "space.yaml", "--trials", "6", "--json", "--",
                                  "/bin/sh", "-c", "echo '{\"step\": 0, \"value\": 1}'; echo $METATUNE_PARAM_X", "{kind}"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 6)
        for line in lines {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(Set(object.keys), ["number", "state", "value", "params", "duration_s"])
            XCTAssertEqual(object["state"] as? String, "complete")
            let params = try XCTUnwrap(object["params"] as? [String: Any])
            XCTAssertEqual(object["value"] as? Double, params["x"] as? Double, "the value is the x the command saw")
        }
        let stored = try trials("s")
        XCTAssertEqual(stored.map(\.number), Array(0..<6))
        XCTAssertTrue(stored.allSatisfy { $0.intermediateValues == [0: 1] })
        // study trials --json prints the same objects.
        let listed = try cli.run(["study", "trials", "s", "--json"])
        let array = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(array.map { $0["number"] as? Int }, Array(0..<6))
        XCTAssertEqual(array.first.map { Set($0.keys) }, ["number", "state", "value", "params", "duration_s"])
    }

    func testTrialsIsTheStudyTotalAndRerunningResumes() throws {
        let command = ["run", "--study", "s", "--space", "space.yaml", "--trials", "4", "--quiet", "--", "/bin/echo", "1"]
        XCTAssertEqual(try cli.run(command).status, 0)
        XCTAssertEqual(try trials("s").count, 4)
        XCTAssertEqual(try cli.run(command).status, 0)
        XCTAssertEqual(try trials("s").count, 4, "already complete: nothing more to do")
        var more = command
        more[more.firstIndex(of: "4")!] = "7"
        XCTAssertEqual(try cli.run(more).status, 0)
        XCTAssertEqual(try trials("s").map(\.number), Array(0..<7))
    }

    func testFourRunnersOnOneFileMakeExactlyTheRequestedTrials() throws {
        let command = ["run", "--study", "shared", "--space", "space.yaml", "--trials", "200", "--quiet", "--",
                       "/bin/sh", "-c", "echo {x}"]
        let runners = try (0..<4).map { _ in try cli.start(command) }
        var collectors: [OutputCollector] = []
        for (_, out, err) in runners { collectors.append(OutputCollector(out: out, err: err)) }
        for ((process, _, _), collector) in zip(runners, collectors) {
            process.waitUntilExit()
            let (_, stderr) = collector.finish()
            XCTAssertEqual(process.terminationStatus, 0, stderr)
        }
        let stored = try trials("shared")
        XCTAssertEqual(stored.count, 200)
        XCTAssertEqual(stored.map(\.number), Array(0..<200), "numbered 0..199 with no gaps or duplicates")
        XCTAssertTrue(stored.allSatisfy { $0.state == .complete })
        XCTAssertGreaterThan(Set(stored.compactMap { $0.owner?.pid }).count, 1, "several runners did the work")
    }

    func testKilledRunnerLeavesAnOrphanThatTheNextRunFailsAndReplaces() throws {
        let command = ["run", "--study", "crash", "--space", "space.yaml", "--trials", "6", "--json", "--",
                       "/bin/sh", "-c", "sleep 0.3; echo {x}"]
        let (process, out, err) = try cli.start(command)
        let collector = OutputCollector(out: out, err: err)
        // Wait until two trials are complete and a third is running, then kill -9.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let stored = try? trials("crash"), stored.filter({ $0.state == .complete }).count >= 2,
               stored.contains(where: { $0.state == .running }) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        _ = collector.finish()
        let before = try trials("crash")
        let completeBefore = before.filter { $0.state == .complete }
        XCTAssertGreaterThanOrEqual(completeBefore.count, 2)
        XCTAssertEqual(before.filter { $0.state == .running }.count, 1)

        let again = try cli.run(command)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stderr.contains("heartbeat lost"), again.stderr)
        let after = try trials("crash")
        XCTAssertEqual(after.count, 6, "the study completes to N trials in total")
        XCTAssertEqual(after.map(\.number), Array(0..<6))
        for trial in completeBefore {
            XCTAssertEqual(after[trial.number], trial, "earlier trials are intact")
        }
        let orphan = try XCTUnwrap(after.first { $0.number == before.first { $0.state == .running }!.number })
        XCTAssertEqual(orphan.state, .failed)
        XCTAssertEqual(orphan.failReason, "heartbeat lost")
        XCTAssertEqual(after.filter { $0.state == .complete }.count, 5)
    }

    func testRetryFailedEnqueuesTheOrphansParameters() throws {
        // A trial left running by a process that no longer exists on this host.
        let storage = try SQLiteStorage(path: databasePath)
        let study = try storage.createStudy(name: "r", direction: .minimize)
        let ghost = TrialOwner(host: TrialOwner.current.host, pid: Int32.max - 7, processStart: 1)
        let orphan = try XCTUnwrap(try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:],
                                                           owner: ghost, limit: nil))
        try storage.setTrialParam(trialID: orphan.id, name: "x", value: .float(0.75),
                                  distribution: .float(try FloatDistribution(low: -2, high: 2)))
        try storage.setTrialParam(trialID: orphan.id, name: "kind", value: "b",
                                  distribution: .categorical(try CategoricalDistribution(choices: ["a", "b"])))
        let result = try cli.run(["run", "--study", "r", "--space", "space.yaml", "--trials", "3", "--retry-failed", "--",
                                  "/bin/sh", "-c", "echo {x}"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let stored = try trials("r")
        XCTAssertEqual(stored.map(\.state), [.failed, .complete, .complete])
        XCTAssertEqual(stored[1].params, ["x": .float(0.75), "kind": "b"], "the orphan's parameters ran again first")
        XCTAssertEqual(stored[1].value, 0.75)
    }

    /// An orphan that appears while a run goes on (a worker elsewhere died after this run started)
    /// is failed before the run's next trial and said so on its output, as at its start.
    func testAnOrphanFailedDuringTheRunIsReported() throws {
        let (process, out, err) = try cli.start(["run", "--study", "later", "--space", "space.yaml", "--trials", "6", "--",
                                                 "/bin/sh", "-c", "sleep 0.3; echo {x}"])
        let collector = OutputCollector(out: out, err: err)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, (try? trials("later"))?.contains(where: { $0.state == .running }) != true {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let storage = try SQLiteStorage(path: databasePath)
        let study = try XCTUnwrap(try storage.study(named: "later"))
        let ghost = TrialOwner(host: TrialOwner.current.host, pid: Int32.max - 7, processStart: 1)
        let orphan = try XCTUnwrap(try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: ghost, limit: nil))
        process.waitUntilExit()
        let (_, stderr) = collector.finish()
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertTrue(stderr.contains("trial \(orphan.number) was left running by a dead worker"), stderr)
        XCTAssertEqual(try storage.trial(id: orphan.id).failReason, Study.heartbeatLostReason)
    }

    func testInterruptStopsCleanlyAndTheRunResumes() throws {
        let command = ["run", "--study", "int", "--space", "space.yaml", "--trials", "5", "--",
                       "/bin/sh", "-c", "sleep 30; echo 1"]
        let (process, out, err) = try cli.start(command)
        let collector = OutputCollector(out: out, err: err)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, (try? trials("int"))?.contains(where: { $0.state == .running }) != true {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let started = Date()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let (_, stderr) = collector.finish()
        XCTAssertEqual(process.terminationStatus, 130, stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 15)
        let stored = try trials("int")
        XCTAssertEqual(stored.count, 1)
        XCTAssertEqual(stored[0].state, .failed)
        XCTAssertTrue(stored[0].failReason?.hasPrefix("interrupted") ?? false, stored[0].failReason ?? "")
        let resumed = try cli.run(["run", "--study", "int", "--space", "space.yaml", "--trials", "3", "--quiet", "--", "/bin/echo", "2"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try trials("int").map(\.state), [.failed, .complete, .complete])
    }
}
