import Foundation
import XCTest
import TestSupport
import MetaTune
import MetaTuneSQLite

/// `metatune run --scheduler …` with a real training script that saves and restores its state.
final class RunSchedulerTests: CLITestCase {

    /// Trains up to $1 steps from the state in $3 (if any), saving the state to $2; each step adds
    /// 1 − (x − 0.3)²; every call is logged as "trial start resource runner-pid"; on runners that
    /// name their host (METATUNE_HOST), each call first sleeps 0.1 s, so that two such runners
    /// work side by side.
    private static let script = """
    #!/bin/sh
    start=0; score=0
    if [ -n "$3" ]; then read start score < "$3"; fi
    if [ -n "$METATUNE_HOST" ]; then sleep 0.1; fi
    echo "$METATUNE_TRIAL $start $1 $PPID" >> calls.log
    i=$start
    while [ "$i" -lt "$1" ]; do
      score=$(awk "BEGIN { print $score + 1 - ($4 - 0.3) ^ 2 }")
      echo "{\\"step\\": $i, \\"value\\": $score}"
      i=$((i + 1))
    done
    if [ -n "$2" ]; then echo "$i $score" > "$2"; fi
    echo "{\\"value\\": $score}"
    """

    override func setUpWithError() throws {
        try super.setUpWithError()
        try temporary.write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
        try temporary.write("train.sh", Self.script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: temporary.url.appendingPathComponent("train.sh").path)
    }

    /// The default checkpoint folder of `study` in `storage` (beside it, keyed by the study's id).
    private func checkpointFolder(_ study: String, storage: String = "metatune.sqlite") throws -> URL {
        let base = temporary.url.appendingPathComponent(storage + ".checkpoints")
        let folders = try FileManager.default.contentsOfDirectory(atPath: base.path).filter { $0.hasPrefix("study-") && $0.hasSuffix("-" + study) }
        XCTAssertEqual(folders.count, 1, "\(folders)")
        return base.appendingPathComponent(try XCTUnwrap(folders.first))
    }

    private func trials(_ study: String) throws -> [FrozenTrial] {
        let storage = try SQLiteStorage(path: temporary.url.appendingPathComponent("metatune.sqlite").path)
        guard let record = try storage.study(named: study) else { throw StorageError.noSuchStudy(study) }
        return try storage.allTrials(studyID: record.id)
    }

    /// (trial, start, resource, runner) of every call of the script.
    private func calls() throws -> [(trial: Int, start: Int, resource: Int, runner: Int)] {
        try String(contentsOf: temporary.url.appendingPathComponent("calls.log"), encoding: .utf8)
            .split(separator: "\n").map { line in
                let fields = line.split(separator: " ").compactMap { Int($0) }
                return (fields[0], fields[1], fields[2], fields[3])
            }
    }

    /// Runs `metatune COMMAND` twice at once, as hosts `host-a` and `host-b` (METATUNE_HOST), and
    /// checks that both succeed.
    private func runOnTwoHosts(_ command: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let runners = try ["host-a", "host-b"].map { try cli.start(command, environment: ["METATUNE_HOST": $0]) }
        let collectors = runners.map { OutputCollector(out: $0.1, err: $0.2) }
        for (runner, collector) in zip(runners, collectors) {
            runner.0.waitUntilExit()
            XCTAssertEqual(runner.0.terminationStatus, 0, collector.finish().1, file: file, line: line)
        }
    }

    /// Each call of the script resumes where the trial's previous call ended (no step is trained
    /// twice), and each stored learning curve runs without gaps up to where the trial got.
    private func assertEveryCallResumes(_ stored: [FrozenTrial], file: StaticString = #filePath, line: UInt = #line) throws {
        var reached: [Int: Int] = [:]
        for call in try calls() {
            XCTAssertEqual(call.start, reached[call.trial] ?? 0, "trial \(call.trial) resumes where it paused", file: file, line: line)
            reached[call.trial] = call.resource
        }
        for trial in stored {
            XCTAssertEqual(trial.intermediateValues.keys.sorted(), Array(0..<(reached[trial.number] ?? 0)), file: file, line: line)
        }
    }

    func testASHAResumesPromotedTrialsFromTheirCheckpoints() throws {
        let result = try cli.run(["run", "--study", "a", "--space", "space.yaml", "--trials", "12", "--scheduler", "asha",
                                  "--max-resource", "9", "--concurrency", "2", "--",
                                  "./train.sh", "{resource}", "{checkpoint}", "{restore}", "{x}"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("asha: rungs at 1, 3, 9 steps"), result.stderr)
        let stored = try trials("a")
        XCTAssertEqual(stored.count, 12)
        XCTAssertTrue(stored.allSatisfy { $0.state == .complete || $0.state == .pruned })
        XCTAssertGreaterThan(stored.filter { $0.state == .complete }.count, 0)
        try assertEveryCallResumes(stored)
        let used = stored.reduce(0) { $0 + $1.intermediateValues.count }
        XCTAssertTrue(result.stderr.contains("resource: \(used) steps for 12 trials; at the full 9 steps each they would take 108"), result.stderr)
        // Only the last checkpoint of each trial is kept.
        let files = try FileManager.default.contentsOfDirectory(atPath: try checkpointFolder("a").path)
        XCTAssertEqual(files.count, 12)
    }

    func testWithoutCheckpointsPromotedTrialsTrainAgainAndTheResourceCountsInFull() throws {
        let result = try cli.run(["run", "--study", "h", "--space", "space.yaml", "--trials", "9", "--scheduler", "sha",
                                  "--max-resource", "9", "--", "./train.sh", "{resource}", "", "", "{x}"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("promoted trials train again from the start"), result.stderr)
        XCTAssertTrue(try calls().allSatisfy { $0.start == 0 })
        // 9 × 1 + 3 × 3 + 1 × 9 steps, nothing resumed.
        XCTAssertTrue(result.stderr.contains("resource: 27 steps for 9 trials"), result.stderr)
    }

    /// Without checkpoints a promotion retrains from step 0 and costs its whole resource; the
    /// budget counts it so, and the run spends exactly the budget (new trials fill what is left);
    /// without `--trials` the budget alone decides how many trials start.
    func testABudgetCountsRetrainingInFull() throws {
        let result = try cli.run(["run", "--study", "b", "--space", "space.yaml", "--scheduler", "asha",
                                  "--max-resource", "9", "--budget", "30", "--", "./train.sh", "{resource}", "", "", "{x}"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let calls = try calls()
        XCTAssertTrue(calls.allSatisfy { $0.start == 0 })
        XCTAssertEqual(calls.reduce(0) { $0 + $1.resource }, 30, "every step the script trained counts against the budget")
        XCTAssertGreaterThan(calls.filter { $0.resource > 1 }.count, 0, "some trials were promoted")
        let started = try trials("b").count
        XCTAssertTrue(result.stderr.contains("resource: 30 steps for \(started) trials"), result.stderr)
    }

    func testPBTCopiesCheckpointsOfBetterTrials() throws {
        let result = try cli.run(["run", "--study", "p", "--space", "space.yaml", "--trials", "8", "--scheduler", "pbt",
                                  "--max-resource", "6", "--pbt-interval", "2", "--json", "--",
                                  "./train.sh", "{resource}", "{checkpoint}", "{restore}", "{x}"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let stored = try trials("p")
        XCTAssertEqual(stored.count, 8)
        XCTAssertTrue(stored.allSatisfy { $0.state == .complete && $0.intermediateValues.keys.max() == 5 })
        // Each exploit copies a member that did better at that step (the study minimises).
        var exploits = 0
        for trial in stored {
            guard case .array(let events)? = trial.userAttributes[PopulationBasedTraining.historyKey] else { continue }
            for event in events {
                exploits += 1
                let key = String(Int(try XCTUnwrap(event["resource"]?.doubleValue)))
                let donor = stored[Int(try XCTUnwrap(event["from_trial"]?.doubleValue))]
                let mine = try XCTUnwrap(trial.systemAttributes[PopulationBasedTraining.valuesKey]?[key]?.doubleValue)
                let theirs = try XCTUnwrap(donor.systemAttributes[PopulationBasedTraining.valuesKey]?[key]?.doubleValue)
                XCTAssertLessThan(theirs, mine)
            }
        }
        XCTAssertGreaterThan(exploits, 0, "seed 0 with one worker replaces at least one member")
        // A call after an exploit starts from the donor's checkpoint, never from 0: each member
        // starts from scratch once, and the steps the calls trained are the ones stored.
        let log = try calls()
        XCTAssertEqual(log.filter { $0.start == 0 }.count, 8)
        XCTAssertEqual(log.reduce(0) { $0 + $1.resource - $1.start }, stored.reduce(0) { $0 + $1.intermediateValues.count })
        // One checkpoint per member is left: a replaced run's files are removed.
        let files = try FileManager.default.contentsOfDirectory(atPath: try checkpointFolder("p").path)
        XCTAssertEqual(files.count, 8, "\(files)")
    }

    /// Asynchronous PBT on two runners as two hosts sharing the storage and the checkpoint folder:
    /// every member completes, members rank against the other runner's too, and the lineage
    /// (exploits with their donors) is recorded on the trials.
    func testPBTOnTwoRunnersRecordsItsLineage() throws {
        let command = ["run", "--study", "pbt2", "--space", "space.yaml", "--trials", "6", "--scheduler", "pbt",
                       "--max-resource", "8", "--pbt-interval", "2", "--concurrency", "2", "--quiet", "--",
                       "./train.sh", "{resource}", "{checkpoint}", "{restore}", "{x}"]
        try runOnTwoHosts(command)
        let stored = try trials("pbt2")
        XCTAssertEqual(stored.map(\.number), Array(0..<12))
        XCTAssertTrue(stored.allSatisfy { $0.state == .complete && $0.intermediateValues.keys.max() == 7 }, "\(stored.map(\.state))")
        let hosts = Dictionary(uniqueKeysWithValues: stored.map { ($0.number, $0.owner?.host ?? "") })
        XCTAssertEqual(Set(hosts.values), ["host-a", "host-b"])
        var donors: [(member: Int, donor: Int)] = []
        for trial in stored {
            guard case .array(let events)? = trial.userAttributes[PopulationBasedTraining.historyKey] else { continue }
            for event in events { donors.append((trial.number, Int(try XCTUnwrap(event["from_trial"]?.doubleValue)))) }
        }
        XCTAssertFalse(donors.isEmpty, "no member was replaced")
        XCTAssertTrue(donors.contains { hosts[$0.member] != hosts[$0.donor] }, "no member copied the other runner's: \(donors)")
        // Members ranked against both runners' members: each step's values come from both hosts.
        for step in ["2", "4", "6"] {
            let reached = stored.filter { $0.systemAttributes[PopulationBasedTraining.valuesKey]?[step] != nil }
            XCTAssertEqual(Set(reached.map { hosts[$0.number]! }).count, 2, "step \(step)")
        }
    }

    func testSchedulerSettingsTheCommandCannotMeetAreRefused() throws {
        for (arguments, message) in [
            (["--scheduler", "asha", "--", "./train.sh", "{resource}", "", "", "{x}"], "needs --max-resource"),
            (["--scheduler", "asha", "--max-resource", "9", "--", "./train.sh", "9", "", "", "{x}"], "needs {resource}"),
            (["--scheduler", "pbt", "--max-resource", "9", "--", "./train.sh", "{resource}", "", "", "{x}"], "needs {checkpoint} and {restore}"),
            (["--scheduler", "asha", "--max-resource", "9", "--", "./train.sh", "{resource}", "{checkpoint}", "", "{x}"], "give both"),
        ] {
            let result = try cli.run(["run", "--study", "bad", "--space", "space.yaml", "--trials", "4"] + arguments)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    /// Two ASHA runners on one SQLite file rank together and lose no trial.
    func testTwoASHARunnersShareOneStudy() throws {
        let command = ["run", "--study", "two", "--space", "space.yaml", "--trials", "10", "--scheduler", "asha",
                       "--max-resource", "9", "--quiet", "--", "./train.sh", "{resource}", "{checkpoint}", "{restore}", "{x}"]
        let runners = try (0..<2).map { _ in try cli.start(command) }
        let collectors = runners.map { OutputCollector(out: $0.1, err: $0.2) }
        for (runner, collector) in zip(runners, collectors) {
            runner.0.waitUntilExit()
            XCTAssertEqual(runner.0.terminationStatus, 0, collector.finish().1)
        }
        let stored = try trials("two")
        XCTAssertEqual(stored.map(\.number), Array(0..<20))
        XCTAssertTrue(stored.allSatisfy { $0.state == .complete || $0.state == .pruned })
        XCTAssertEqual(Set(stored.compactMap(\.owner).map(\.pid)).count, 2, "both runners worked")
        try assertEveryCallResumes(stored)
    }

    /// Two runners as two hosts (METATUNE_HOST) sharing the storage and the checkpoint folder: a
    /// trial one runner paused is promoted and resumed from its checkpoint by the other, each
    /// promotion by one runner only; nothing is left running and every call resumes where the
    /// trial's previous call — on either runner — ended. Which runner is free first when a paused
    /// trial comes to qualify is a race (most promotions are of a trial its own runner just
    /// paused), so a hand-over is looked for over up to three runs; every run is checked whole.
    func testTwoASHARunnersPromoteEachOthersPausedTrials() throws {
        var handOvers: [[Int: [Int]]] = []
        for attempt in 0..<3 {
            let study = "shared\(attempt)"
            try? FileManager.default.removeItem(at: temporary.url.appendingPathComponent("calls.log"))
            let command = ["run", "--study", study, "--space", "space.yaml", "--trials", "18", "--scheduler", "asha",
                           "--max-resource", "9", "--concurrency", "2", "--quiet", "--",
                           "./train.sh", "{resource}", "{checkpoint}", "{restore}", "{x}"]
            try runOnTwoHosts(command)
            let stored = try trials(study)
            XCTAssertEqual(stored.map(\.number), Array(0..<36))
            XCTAssertTrue(stored.allSatisfy { $0.state == .complete || $0.state == .pruned }, "\(stored.map(\.state))")
            try assertEveryCallResumes(stored)
            var runnersOfTrial: [Int: [Int]] = [:]
            for call in try calls() where runnersOfTrial[call.trial]?.last != call.runner { runnersOfTrial[call.trial, default: []].append(call.runner) }
            let handedOver = runnersOfTrial.filter { $0.value.count > 1 }
            // A hand-over record stays on each trial that was paused and released.
            XCTAssertTrue(handedOver.keys.allSatisfy { number in stored[number].systemAttributes["asha_paused"] != nil })
            handOvers.append(handedOver)
            if !handedOver.isEmpty { break }
        }
        XCTAssertTrue(handOvers.contains { !$0.isEmpty }, "no trial was resumed by the other runner in \(handOvers.count) runs")
    }

    /// Ctrl-C under a scheduler: exit 130, nothing left running, paused trials pruned as interrupted.
    func testInterruptLeavesNoTrialRunning() throws {
        try temporary.write("slow.sh", "#!/bin/sh\nsleep 0.2\nexec ./train.sh \"$@\"\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: temporary.url.appendingPathComponent("slow.sh").path)
        let (process, out, err) = try cli.start(["run", "--study", "int", "--space", "space.yaml", "--trials", "40", "--scheduler", "asha",
                                                 "--max-resource", "9", "--", "./slow.sh", "{resource}", "{checkpoint}", "{restore}", "{x}"])
        let collector = OutputCollector(out: out, err: err)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, ((try? trials("int"))?.filter { $0.state == .running }.count ?? 0) < 3 {
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        let (_, stderr) = collector.finish()
        XCTAssertEqual(process.terminationStatus, 130, stderr)
        let stored = try trials("int")
        XCTAssertLessThan(stored.count, 40)
        XCTAssertFalse(stored.contains { $0.state == .running })
        XCTAssertTrue(stored.filter { $0.state == .pruned }.allSatisfy { $0.failReason?.hasPrefix("run interrupted at resource") == true })
        XCTAssertGreaterThan(stored.filter { $0.state == .pruned }.count, 0, "paused trials are pruned as interrupted")
    }

    /// Issue 16, findings 6 and 7: checkpoints are keyed by the storage and the study's id, so a
    /// study of the same name elsewhere never takes them, a name cannot lead them outside their
    /// folder, and they are deleted with the study.
    func testCheckpointsBelongToOneStudyOfOneStorageAndGoWithIt() throws {
        for (study, storage) in [("a", "one.sqlite"), ("a", "two.sqlite"), ("../../escaped", "one.sqlite")] {
            let result = try cli.run(["run", "--study", study, "--space", "space.yaml", "--trials", "3", "--scheduler", "asha",
                                      "--max-resource", "3", "--storage", "sqlite:" + storage, "--quiet", "--",
                                      "./train.sh", "{resource}", "{checkpoint}", "{restore}", "{x}"])
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let one = try checkpointFolder("a", storage: "one.sqlite"), two = try checkpointFolder("a", storage: "two.sqlite")
        XCTAssertNotEqual(one.path, two.path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: one.path).count, 3)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: two.path).count, 3)
        let escaped = try checkpointFolder(".._.._escaped", storage: "one.sqlite")
        XCTAssertEqual(escaped.deletingLastPathComponent().lastPathComponent, "one.sqlite.checkpoints")
        XCTAssertFalse(FileManager.default.fileExists(atPath: temporary.url.appendingPathComponent("../../escaped").standardizedFileURL.path))
        let deleted = try cli.run(["study", "delete", "a", "--yes", "--storage", "sqlite:one.sqlite"])
        XCTAssertEqual(deleted.status, 0, deleted.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: one.path), "deleted with the study")
        XCTAssertTrue(FileManager.default.fileExists(atPath: two.path), "the other storage's study keeps its own")
        XCTAssertTrue(FileManager.default.fileExists(atPath: escaped.path))
    }
}
