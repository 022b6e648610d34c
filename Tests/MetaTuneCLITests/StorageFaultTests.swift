import Foundation
import GRDB
import MetaTune
import MetaTuneSQLite
import XCTest
import TestSupport

/// Issue 16's faults under a running `metatune run`: the storage file deleted or replaced, and
/// the disk filling up. The runner stops with one clear line, writes nothing more, and what it
/// had stored stays whole (integrity check, numbering, values).
final class StorageFaultTests: CLITestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        try temporary.write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
    }

    /// Starts a runner of `trials` slow trials on `storage` and waits until `completed` of them
    /// are stored.
    private func startRunner(storage: String, trials: Int = 40, completed: Int = 2,
                             command: String = "sleep 0.3; echo 0.5") throws -> (Process, OutputCollector) {
        let (runner, out, err) = try cli.start(["run", "--study", "s", "--space", "space.yaml", "--trials", "\(trials)",
                                               "--storage", storage, "--", "/bin/sh", "-c", command])
        let collector = OutputCollector(out: out, err: err)
        var stored = 0
        for _ in 0..<200 where stored < completed && runner.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
            let listing = try? cli.run(["study", "trials", "s", "--state", "complete", "--storage", storage])
            stored = listing?.stdout.split(separator: "\n").filter { $0.contains("complete") }.count ?? 0
        }
        XCTAssertGreaterThanOrEqual(stored, completed, "the runner stored its first trials")
        return (runner, collector)
    }

    /// Waits for `runner` to end (at most `seconds`), killing it if it does not.
    private func finish(_ runner: Process, _ collector: OutputCollector, within seconds: Double = 30) -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while runner.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if runner.isRunning { runner.terminate() }
        XCTAssertLessThan(Date(), deadline, "the runner stopped by itself")
        runner.waitUntilExit()
        return collector.finish().1
    }

    private func integrity(of file: String) throws -> String {
        try DatabaseQueue(path: file).read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "" }
    }

    func testDeletingTheStorageFileUnderARunnerStopsItAndItWritesNothingMore() throws {
        let (runner, collector) = try startRunner(storage: "sqlite:s.sqlite")
        XCTAssertTrue(FileManager.default.fileExists(atPath: path("s.sqlite-wal")), "a journal to leave behind")
        try FileManager.default.removeItem(atPath: path("s.sqlite"))
        let stderr = finish(runner, collector)
        XCTAssertEqual(runner.terminationStatus, 1)
        let lines = stderr.split(separator: "\n").filter { !$0.hasPrefix("trial ") }
        XCTAssertEqual(lines.count, 1, stderr)
        XCTAssertTrue(stderr.contains("the storage file 's.sqlite' was deleted while this run was using it"), stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temporary.url.path).filter { $0.hasPrefix("s.sqlite") }, [],
                       "nothing written after the file was deleted, and no journal left for a new file of that name")
    }

    func testReplacingTheStorageFileUnderARunnerStopsItAndLeavesTheNewFileAlone() throws {
        XCTAssertEqual(try cli.run(["study", "create", "other", "--storage", "sqlite:other.sqlite"]).status, 0)
        let (runner, collector) = try startRunner(storage: "sqlite:s.sqlite")
        XCTAssertEqual(rename(path("other.sqlite"), path("s.sqlite")), 0)
        let stderr = finish(runner, collector)
        XCTAssertEqual(runner.terminationStatus, 1)
        XCTAssertTrue(stderr.contains("the storage file 's.sqlite' was replaced by another file while this run was using it"), stderr)
        XCTAssertEqual(try integrity(of: path("s.sqlite")), "ok")
        let storage = try SQLiteStorage(path: path("s.sqlite"), readOnly: true)
        XCTAssertEqual(try storage.allStudies().map(\.name), ["other"], "the replacement is untouched")
        XCTAssertEqual(try storage.completeTrialsByStudy().values.map(\.count).reduce(0, +), 0)
    }

    /// A small tmpfs filled up while trials are being stored (needs root to mount; skipped otherwise).
    func testAFullDiskStopsTheRunnerNamingTheUnstoredResultAndLosesNothingStored() throws {
        let mountPoint = path("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mounted = try CLIShell.run("mount -t tmpfs -o size=4m tmpfs '\(mountPoint)' && echo mounted", in: temporary.url)
        guard mounted.contains("mounted") else { throw XCTSkip("cannot mount a tmpfs here (\(mounted.trimmingCharacters(in: .whitespacesAndNewlines)))") }
        defer { _ = try? CLIShell.run("umount '\(mountPoint)'", in: temporary.url) }
        let storage = "sqlite:small/s.sqlite"
        // Each trial prints its number and value to a log outside the small disk, then reports it.
        let (runner, collector) = try startRunner(storage: storage, trials: 400, completed: 3,
                                                  command: "v=0.$METATUNE_TRIAL; echo \"$METATUNE_TRIAL $v\" >> values.log; echo $v")
        _ = try CLIShell.run("dd if=/dev/zero of=small/filler bs=64k 2>/dev/null; true", in: temporary.url)
        let stderr = finish(runner, collector, within: 60)
        XCTAssertEqual(runner.terminationStatus, 1)
        XCTAssertTrue(stderr.contains("full"), stderr)
        print("disk full: \(stderr)")
        try FileManager.default.removeItem(atPath: path("small/filler"))
        XCTAssertEqual(try integrity(of: path("small/s.sqlite")), "ok")
        let trials = try SQLiteStorage(path: path("small/s.sqlite")).completeTrialsByStudy().values.flatMap { $0 }
        let printed = try String(contentsOfFile: path("values.log"), encoding: .utf8).split(separator: "\n").map { line in
            let fields = line.split(separator: " ")
            return (Int(fields[0])!, Double(fields[1])!)
        }
        XCTAssertGreaterThanOrEqual(trials.count, 3)
        XCTAssertEqual(Set(trials.map(\.number)).count, trials.count, "no number twice")
        for trial in trials {
            XCTAssertEqual(trial.value, printed.first { $0.0 == trial.number }?.1, "trial \(trial.number) stored as printed")
        }
        // Every printed value is stored, or named in the error as the one that could not be.
        for (number, _) in printed where !trials.contains(where: { $0.number == number }) {
            XCTAssertTrue(stderr.contains("trial \(number) finished with value"), "trial \(number) lost silently: \(stderr)")
        }
    }
}
