import Foundation
import XCTest
import TestSupport

/// Issue 16's findings, each reproduced through the built binary: inputs that once crashed,
/// silently gave wrong results or wrote where they should not.
final class HardeningTests: CLITestCase {

    private func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: temporary.url.path).sorted()
    }

    /// Runs `arguments`, expects exit 1 and one line on standard error holding every one of `words`.
    private func assertRefused(_ arguments: [String], mentioning words: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try cli.run(arguments)
        XCTAssertEqual(result.status, 1, "\(arguments): \(result.stderr)", file: file, line: line)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr, file: file, line: line)
        for word in words {
            XCTAssertTrue(result.stderr.contains(word), "'\(result.stderr)' lacks '\(word)'", file: file, line: line)
        }
    }

    /// Finding 3: parameters whose environment variables would collide, or that take the name of a
    /// built-in placeholder, are refused up front.
    func testParameterNamesThatCollideOrShadowAPlaceholderAreRefused() throws {
        let cases: [(String, [String])] = [
            ("lr: {type: float, low: 0, high: 1}\nLR: {type: float, low: 0, high: 1}\n", ["'LR' and 'lr'", "METATUNE_PARAM_LR"]),
            ("a-b: {type: float, low: 0, high: 1}\na.b: {type: float, low: 0, high: 1}\na_b: {type: int, low: 0, high: 1}\n",
             ["'a-b' and 'a.b' and 'a_b'", "METATUNE_PARAM_A_B"]),
            ("trial_number: {type: int, low: 0, high: 9}\n", ["parameter 'trial_number'", "{trial_number}"]),
        ]
        for (space, words) in cases {
            try temporary.write("space.yaml", space)
            try assertRefused(["run", "--study", "s", "--space", "space.yaml", "--trials", "1", "--storage", "memory:",
                               "--", "/bin/echo", "1"], mentioning: words)
        }
    }

    /// Finding 4: a choice that is a list, a mapping or null is refused with its line, not turned
    /// into "" or "null".
    func testNestedOrNullChoicesAreRefusedWithTheirLine() throws {
        let cases: [(String, String)] = [
            ("y: {type: categorical, choices: [[1, 2], 3]}", "space.yaml:2: parameter 'y': a choice must be a number, string or boolean, got a list"),
            ("y: {type: categorical, choices: [{a: 1}, 3]}", "space.yaml:2: parameter 'y': a choice must be a number, string or boolean, got a mapping"),
            ("y: {type: categorical, choices: [null, 3]}", "space.yaml:2: parameter 'y': a choice cannot be null"),
            ("y: {type: categorical, choices: [~, 3]}", "space.yaml:2: parameter 'y': a choice cannot be null"),
        ]
        for (line, expected) in cases {
            try temporary.write("space.yaml", "x: {type: float, low: 0, high: 1}\n" + line + "\n")
            try assertRefused(["run", "--study", "s", "--space", "space.yaml", "--trials", "1", "--storage", "memory:",
                               "--", "/bin/echo", "1"], mentioning: [expected])
        }
        try temporary.write("space.yaml", "x: {type: categorical, choices: ['null', 3]}\n")
        let quoted = try cli.run(["run", "--study", "s", "--space", "space.yaml", "--trials", "1", "--storage", "memory:", "--", "/bin/echo", "1"])
        XCTAssertEqual(quoted.status, 0, "a quoted 'null' is a string: \(quoted.stderr)")
    }

    /// Finding 5: a float range whose width overflows is refused instead of always sampling its
    /// upper bound.
    func testARangeTooWideToSampleIsRefused() throws {
        try temporary.write("space.yaml", "x: {type: float, low: -1e308, high: 1e308}\n")
        try assertRefused(["run", "--study", "s", "--space", "space.yaml", "--trials", "1", "--storage", "memory:", "--", "/bin/echo", "1"],
                          mentioning: ["space.yaml:1", "parameter 'x'", "too wide"])
    }

    /// Finding 19: an error in a condition names the condition's own line.
    func testAConditionErrorNamesTheConditionsLine() throws {
        try temporary.write("space.yaml", """
            optimizer: {type: categorical, choices: [sgd, adam]}
            lr: {type: float, low: 0.001, high: 0.1}
            momentum:
              type: float
              low: 0.0
              high: 0.99
              when: {optimizer: rmsprop}

            """)
        try assertRefused(["run", "--study", "s", "--space", "space.yaml", "--trials", "1", "--storage", "memory:", "--", "/bin/echo", "1"],
                          mentioning: ["space.yaml:7:", "condition value 'rmsprop' is not a choice of 'optimizer'"])
        try temporary.write("space.yaml", "lr: {type: float, low: 0.001, high: 0.1}\nmomentum: {type: float, low: 0, high: 1, when: {opt: sgd}}\n")
        try assertRefused(["run", "--study", "s", "--space", "space.yaml", "--trials", "1", "--storage", "memory:", "--", "/bin/echo", "1"],
                          mentioning: ["space.yaml:2:", "unknown parent 'opt'"])
    }

    /// Finding 22: `low == high` is a constant parameter, for every sampler.
    func testAFixedRangeIsAConstantParameter() throws {
        try temporary.write("space.yaml", """
            x: {type: float, low: 0.5, high: 0.5}
            n: {type: int, low: 3, high: 3}
            l: {type: float, low: 0.01, high: 0.01, log: true}
            z: {type: float, low: 0, high: 1}

            """)
        for sampler in ["random", "tpe", "gp", "cmaes", "qmc", "ga", "rf"] {
            let result = try cli.run(["run", "--study", sampler, "--space", "space.yaml", "--trials", "6", "--sampler", sampler, "--quiet",
                                      "--", "/bin/sh", "-c", "echo \"$METATUNE_PARAM_Z\""])
            XCTAssertEqual(result.status, 0, "\(sampler): \(result.stderr)")
            let trials = try cli.run(["study", "trials", sampler, "--json"])
            let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(trials.stdout.utf8)) as? [[String: Any]], trials.stdout)
            XCTAssertEqual(parsed.count, 6, sampler)
            for trial in parsed {
                XCTAssertEqual(trial["state"] as? String, "complete", "\(sampler): \(trial)")
                let params = try XCTUnwrap(trial["params"] as? [String: Any], "\(trial)")
                XCTAssertEqual(params["x"] as? Double, 0.5, sampler)
                XCTAssertEqual(params["n"] as? Int, 3, sampler)
                XCTAssertEqual(params["l"] as? Double, 0.01, sampler)
                let z = try XCTUnwrap(params["z"] as? Double)
                XCTAssertTrue((0...1).contains(z), "\(sampler): z = \(z)")
            }
        }
    }

    /// Finding 8: read-only commands create nothing, write nothing, and refuse a storage that
    /// does not exist; a storage that is not a regular file is refused.
    func testReadOnlyCommandsCreateAndWriteNothing() throws {
        try temporary.write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
        let made = try cli.run(["run", "--study", "s", "--space", "space.yaml", "--trials", "3", "--quiet", "--", "/bin/echo", "1"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let before = try files()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path("metatune.sqlite")))
        let modified = try FileManager.default.attributesOfItem(atPath: path("metatune.sqlite"))[.modificationDate] as? Date
        for command in [["study", "list"], ["study", "show", "s"], ["study", "best", "s"], ["study", "trials", "s"],
                        ["study", "export", "s", "--format", "csv"], ["meta", "export", "--space", "space.yaml", "--out", "kb.json"]] {
            let result = try cli.run(command)
            XCTAssertEqual(result.status, 0, "\(command): \(result.stderr)")
            XCTAssertEqual(try files().filter { $0 != "kb.json" }, before, "\(command) created a file")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("metatune.sqlite"))), bytes, "the storage changed")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path("metatune.sqlite"))[.modificationDate] as? Date, modified)
        for command in [["study", "show", "s", "--storage", "sqlite:typo.sqlite"], ["study", "list", "--storage", "sqlite:typo.sqlite"]] {
            try assertRefused(command, mentioning: ["typo.sqlite", "does not exist"])
        }
        try assertRefused(["run", "--study", "s", "--space", "space.yaml", "--trials", "1", "--meta", "auto", "--knowledge", "sqlite:typo.sqlite",
                           "--storage", "memory:", "--", "/bin/echo", "1"], mentioning: ["typo.sqlite", "does not exist"])
        let after = try files()
        XCTAssertFalse(after.contains { $0.hasPrefix("typo") }, "\(after)")
        try assertRefused(["run", "--study", "s", "--space", "space.yaml", "--trials", "1", "--storage", "sqlite:/dev/null", "--", "/bin/echo", "1"],
                          mentioning: ["/dev/null", "not a regular file"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/dev/null-journal"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/dev/null-wal"))
    }

    /// Finding 10 (and 18 for exports): an export never overwrites the storage, refuses an
    /// existing file without --force, and says plainly when the folder is missing.
    func testAnExportNeverOverwritesTheStorageOrAnExistingFile() throws {
        try temporary.write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
        let made = try cli.run(["run", "--study", "k", "--space", "space.yaml", "--trials", "2", "--quiet",
                                "--storage", "sqlite:kk.sqlite", "--", "/bin/echo", "1"])
        XCTAssertEqual(made.status, 0, made.stderr)
        let storage = try Data(contentsOf: URL(fileURLWithPath: path("kk.sqlite")))
        for force in [[], ["--force"]] {
            try assertRefused(["study", "export", "k", "--format", "csv", "--output", "kk.sqlite", "--storage", "sqlite:kk.sqlite"] + force,
                              mentioning: ["kk.sqlite", "storage"])
            try assertRefused(["study", "export", "k", "--format", "csv", "--output", "./kk.sqlite", "--storage", "sqlite:kk.sqlite"] + force,
                              mentioning: ["kk.sqlite", "storage"])
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("kk.sqlite"))), storage)
        try temporary.write("notes.csv", "mine\n")
        try assertRefused(["study", "export", "k", "--format", "csv", "--output", "notes.csv", "--storage", "sqlite:kk.sqlite"],
                          mentioning: ["notes.csv", "exists", "--force"])
        XCTAssertEqual(try String(contentsOfFile: path("notes.csv"), encoding: .utf8), "mine\n")
        let forced = try cli.run(["study", "export", "k", "--format", "csv", "--output", "notes.csv", "--force", "--storage", "sqlite:kk.sqlite"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertTrue(try String(contentsOfFile: path("notes.csv"), encoding: .utf8).hasPrefix("number,"), "replaced with --force")
        try assertRefused(["study", "export", "k", "--format", "json", "--output", "missing/out.json", "--storage", "sqlite:kk.sqlite"],
                          mentioning: ["missing/out.json", "does not exist"])
        // Finding 18: a directory as storage gets words, not "disk I/O error".
        try FileManager.default.createDirectory(atPath: path("folder"), withIntermediateDirectories: false)
        for command in [["study", "list", "--storage", "sqlite:folder"],
                        ["run", "--study", "k", "--space", "space.yaml", "--trials", "1", "--storage", "sqlite:folder", "--", "/bin/echo", "1"]] {
            try assertRefused(command, mentioning: ["folder", "is a directory"])
        }
        try assertRefused(["study", "export", "k", "--format", "json", "--output", "folder", "--storage", "sqlite:kk.sqlite"],
                          mentioning: ["folder", "is a directory"])
    }

    /// Finding 9: a study a live runner works on is not deleted without --force; with it, the
    /// runner stops with one line saying what happened.
    func testDeletingAStudyUnderALiveRunnerNeedsForceAndTheRunnerStopsClearly() throws {
        try temporary.write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
        let (runner, out, err) = try cli.start(["run", "--study", "busy", "--space", "space.yaml", "--trials", "20", "--quiet",
                                               "--", "/bin/sh", "-c", "sleep 1; echo 1"])
        let collector = OutputCollector(out: out, err: err)
        defer { if runner.isRunning { runner.terminate() } }
        var running = false
        for _ in 0..<100 where !running {
            Thread.sleep(forTimeInterval: 0.1)
            running = (try? cli.run(["study", "trials", "busy", "--state", "running"]).stdout.contains("running")) ?? false
        }
        XCTAssertTrue(running, "the runner started a trial")
        try assertRefused(["study", "delete", "busy", "--yes"], mentioning: ["study 'busy'", "running trial", "live runner", "--force"])
        XCTAssertEqual(try cli.run(["study", "show", "busy"]).status, 0, "still there")
        let forced = try cli.run(["study", "delete", "busy", "--yes", "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        runner.waitUntilExit()
        let (_, stderr) = collector.finish()
        XCTAssertEqual(runner.terminationStatus, 1)
        XCTAssertEqual(stderr.split(separator: "\n").count, 1, stderr)
        XCTAssertTrue(stderr.contains("study 'busy' was deleted while this run was working on it"), stderr)
    }

    /// Finding 13: what a trial's command leaves running when it exits is ended with the trial.
    func testChildrenLeftBehindByATrialEndWithIt() throws {
        try temporary.write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
        let result = try cli.run(["run", "--study", "c", "--space", "space.yaml", "--trials", "1", "--storage", "memory:", "--quiet",
                                  "--", "/bin/sh", "-c", "sleep 307 >/dev/null 2>&1 & echo $! > child.pid; echo 0.5"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let pid = try XCTUnwrap(Int32(try String(contentsOfFile: path("child.pid"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        var alive = true
        for _ in 0..<50 where alive {
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
            alive = state != nil && state != "Z"
            if alive { Thread.sleep(forTimeInterval: 0.1) }
        }
        if alive { kill(pid, SIGKILL) }
        XCTAssertFalse(alive, "the background sleep outlived its trial")
    }

    /// Finding 20: a report line that cannot be used fails the trial saying what was wrong.
    func testUnusableReportLinesFailTheTrialWithWhatWasWrong() throws {
        try temporary.write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
        let cases: [(String, String)] = [
            (#"echo '{"value": 1e999}'"#, "beyond the range"),
            (#"echo '{"value": null}'"#, "a null value"),
            (#"echo '{"step": -1, "value": 0.5}'; echo 0.5"#, "learning-curve step -1"),
            (#"echo '{"step": 1.5, "value": 0.5}'; echo 0.5"#, "learning-curve step 1.5"),
            ("echo nothing", "printed no value"),
        ]
        for (index, (script, reason)) in cases.enumerated() {
            let study = "r\(index)"
            _ = try cli.run(["run", "--study", study, "--space", "space.yaml", "--trials", "1", "--quiet", "--", "/bin/sh", "-c", script])
            let trials = try cli.run(["study", "trials", study, "--json"])
            let parsed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(trials.stdout.utf8)) as? [[String: Any]], trials.stdout)
            XCTAssertEqual(parsed.first?["state"] as? String, "failed", script)
            let stored = (parsed.first?["reason"] as? String) ?? ""
            XCTAssertTrue(stored.contains(reason), "\(script): \(stored)")
        }
    }

    /// Finding 11: a long learning curve printed at once is stored whole (in batches; its speed
    /// is measured in BENCHMARKS.md, not here).
    func testALongLearningCurveIsStoredWhole() throws {
        try temporary.write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
        let script = "i=0; while [ $i -lt 3000 ]; do echo \"{\\\"step\\\": $i, \\\"value\\\": $i}\"; i=$((i+1)); done; echo 0.5"
        let result = try cli.run(["run", "--study", "lc", "--space", "space.yaml", "--trials", "1", "--quiet", "--", "/bin/sh", "-c", script])
        XCTAssertEqual(result.status, 0, result.stderr)
        let export = try cli.run(["study", "export", "lc", "--format", "json"])
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])
        let trial = try XCTUnwrap((json["trials"] as? [[String: Any]])?.first)
        let curve = try XCTUnwrap(trial["intermediate_values"] as? [String: Any], "\(trial.keys)")
        XCTAssertEqual(curve.count, 3000)
        XCTAssertEqual(curve["2999"] as? Double, 2999)
    }

    /// Finding 7: a study name is one line of printable text of sane length.
    func testStudyNamesAreValidated() throws {
        try temporary.write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
        let cases: [(String, String)] = [("", "cannot be empty"), ("   ", "cannot be empty"), ("a\nb", "control characters"),
                                         ("tab\there", "control characters"), (String(repeating: "n", count: 5000), "at most 200 characters"),
                                         (String(repeating: "n", count: 300), "at most 200 characters")]
        for (name, reason) in cases {
            try assertRefused(["run", "--study", name, "--space", "space.yaml", "--trials", "1", "--", "/bin/echo", "1"], mentioning: [reason])
            try assertRefused(["study", "create", name], mentioning: [reason])
        }
        let listed = try cli.run(["study", "list"])
        XCTAssertFalse(listed.stdout.contains("nnnn"), listed.stdout)
        let fine = try cli.run(["run", "--study", "ünïcode name (v2)", "--space", "space.yaml", "--trials", "1", "--quiet", "--", "/bin/echo", "1"])
        XCTAssertEqual(fine.status, 0, fine.stderr)
    }

    /// Finding 24: trial commands run at the caller's priority (as root, Dispatch's worker
    /// threads ran them at nice -2).
    func testTrialCommandsRunAtTheCallersPriority() throws {
        try temporary.write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
        let result = try cli.run(["run", "--study", "n", "--space", "space.yaml", "--trials", "2", "--concurrency", "2", "--storage", "memory:",
                                  "--quiet", "--", "/bin/sh", "-c", "cut -d' ' -f19 /proc/$$/stat >> nice.txt; echo 1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        errno = 0
        let own = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let seen = try String(contentsOfFile: path("nice.txt"), encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(seen, ["\(own)", "\(own)"])
    }

    /// Finding 23: the progress line shows "ETA —" until an estimate exists, and on a terminal
    /// it redraws at least once a second while a trial runs.
    func testTheProgressLineHasNoETABeforeAnEstimateAndTicksOnATerminal() throws {
        try temporary.write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
        let plain = try cli.run(["run", "--study", "p", "--space", "space.yaml", "--trials", "2", "--storage", "memory:", "--", "/bin/echo", "1"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        let first = plain.stderr.split(separator: "\n").first { $0.hasPrefix("trial ") }
        XCTAssertEqual(first.map(String.init), "trial 0/2  elapsed 0:00  ETA —", plain.stderr)
        // `script` gives the run a terminal; one trial of 3.5 s must show several redraws.
        let command = [CLI.binary.path, "run", "--study", "t", "--space", "space.yaml", "--trials", "1", "--storage", "memory:",
                       "--", "/bin/sh", "-c", "\"sleep 3.5; echo 1\""].joined(separator: " ")
        let terminal = try CLIShell.run("script -qec '\(command)' /dev/null", in: temporary.url)
        let redraws = terminal.components(separatedBy: "\r\u{1B}[2K").count - 1
        XCTAssertGreaterThanOrEqual(redraws, 3, terminal)
        XCTAssertTrue(terminal.contains("elapsed 0:02"), terminal)
    }
}

/// Runs a shell command line and returns what it printed.
enum CLIShell {
    static func run(_ line: String, in directory: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", line]
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
