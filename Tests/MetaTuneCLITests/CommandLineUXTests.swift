import Foundation
import XCTest
import TestSupport

/// The command line's manners: exit status, help, usage errors, numeric options, quiet output
/// and option combinations that would otherwise be ignored (the hardening issue's findings 14–25).
final class CommandLineUXTests: CLITestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        try temporary.write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
        try temporary.write("task.csv", "a,b,label\n" + (0..<40).map { "\($0 % 7),\($0 % 5),\($0 % 2)" }.joined(separator: "\n") + "\n")
    }

    /// Every command and subcommand, as typed after `metatune`.
    private static let commands: [[String]] = [
        [], ["tune"], ["run"], ["study"], ["study", "create"], ["study", "list"], ["study", "show"], ["study", "best"],
        ["study", "trials"], ["study", "export"], ["study", "delete"], ["meta"], ["meta", "features"], ["meta", "collect"],
        ["meta", "export"], ["meta", "bench"], ["meta", "compare"], ["bench"], ["demo"],
    ]

    /// Asserts a usage error: status 1, and one line on standard error that says `message` and
    /// points to the subcommand's `--help`.
    private func assertUsageError(_ arguments: [String], says message: String, command: String, status: Int32 = 1,
                                  file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try cli.run(arguments)
        XCTAssertEqual(result.status, status, "\(arguments): \(result.stderr)", file: file, line: line)
        XCTAssertEqual(result.stdout, "", "\(arguments)", file: file, line: line)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one line: \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains(message), "'\(result.stderr)' lacks '\(message)'", file: file, line: line)
        XCTAssertTrue(result.stderr.hasSuffix("See '\(helpCommand(command))'.\n"), "\(arguments): \(result.stderr)", file: file, line: line)
    }

    /// `metatune COMMAND --help`.
    private func helpCommand(_ command: String) -> String {
        (["metatune"] + (command.isEmpty ? [] : [command]) + ["--help"]).joined(separator: " ")
    }

    // MARK: Finding 14: a run in which no trial completed fails

    func testARunInWhichNoTrialCompletedExitsOne() throws {
        let run = try cli.run(["run", "--study", "broken", "--space", "space.yaml", "--trials", "2", "--", "/bin/false"])
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stderr.hasSuffix("error: no trial completed: this run finished 2 trials (2 failed)\n"), run.stderr)
        // Running it again has nothing to do, and the study still has no result.
        let again = try cli.run(["run", "--study", "broken", "--space", "space.yaml", "--trials", "2", "--quiet", "--", "/bin/false"])
        XCTAssertEqual(again.status, 1, again.stderr)
        XCTAssertEqual(again.stderr, "error: no trial completed: study 'broken' holds 2 trials (2 failed)\n")
        // A study that already has a result and nothing left to do succeeds.
        XCTAssertEqual(try cli.run(["run", "--study", "fine", "--space", "space.yaml", "--trials", "2", "--quiet", "--", "/bin/echo", "1"]).status, 0)
        XCTAssertEqual(try cli.run(["run", "--study", "fine", "--space", "space.yaml", "--trials", "2", "--quiet", "--", "/bin/echo", "1"]).status, 0)
        // New trials that all fail on a study with earlier results still fail the run.
        let broke = try cli.run(["run", "--study", "fine", "--space", "space.yaml", "--trials", "3", "--quiet", "--", "/bin/false"])
        XCTAssertEqual(broke.status, 1, broke.stderr)
        XCTAssertEqual(broke.stderr, "error: no trial completed: this run finished 1 trial (1 failed)\n")
        // Under a scheduler too.
        let scheduled = try cli.run(["run", "--study", "s", "--space", "space.yaml", "--trials", "3", "--scheduler", "asha",
                                     "--max-resource", "3", "--quiet", "--", "/bin/false", "{resource}"])
        XCTAssertEqual(scheduled.status, 1, scheduled.stderr)
        XCTAssertEqual(scheduled.stderr, "error: no trial completed: this run finished 3 trials (3 failed)\n")
    }

    /// A runner whose trials were all pruned, on a study whose other trials completed, has done
    /// its job (two ASHA runners, or a pruner that stops every new trial): exit 0.
    func testARunWhoseTrialsWereAllPrunedBesideCompleteOnesSucceeds() throws {
        let good = ["/bin/sh", "-c", #"echo '{"step": 0, "value": 0}'; echo '{"step": 1, "value": 0}'; echo 0"#]
        let bad = ["/bin/sh", "-c", #"echo '{"step": 0, "value": 100}'; echo '{"step": 1, "value": 100}'; sleep 1; echo 100"#]
        let first = try cli.run(["run", "--study", "p", "--space", "space.yaml", "--trials", "6", "--quiet", "--"] + good)
        XCTAssertEqual(first.status, 0, first.stderr)
        let pruned = try cli.run(["run", "--study", "p", "--space", "space.yaml", "--trials", "8", "--pruner", "median", "--quiet", "--"] + bad)
        XCTAssertEqual(pruned.status, 0, pruned.stderr)
        let states = try cli.run(["study", "trials", "p", "--json"]).stdout
        XCTAssertEqual(states.components(separatedBy: "\"pruned\"").count - 1, 2, states)
    }

    func testATuneInWhichNoTrialCompletedExitsOne() throws {
        // Networks far larger than MetaTune trains: every trial fails with the reason.
        try temporary.write("big.yaml", "width: {type: int, low: 16000, high: 16384}\ndepth: {type: int, low: 60, high: 64}\n")
        for extra in [[], ["--scheduler", "sha"]] {
            let tune = try cli.run(["tune", "--data", "task.csv", "--space", "big.yaml", "--trials", "3", "--epochs", "3",
                                    "--storage", "memory:", "--quiet"] + extra)
            XCTAssertEqual(tune.status, 1, "\(extra): \(tune.stderr)")
            XCTAssertEqual(tune.stderr, "error: no trial completed: this run finished 3 trials (3 failed)\n", "\(extra)")
        }
    }

    // MARK: Finding 15: --help, --version and usage errors that point to the right help

    func testHelpWorksForEveryCommand() throws {
        for command in Self.commands {
            let result = try cli.run(command + ["--help"])
            XCTAssertEqual(result.status, 0, "\(command): \(result.stderr)")
            XCTAssertEqual(result.stderr, "", "\(command)")
            XCTAssertTrue(result.stdout.contains("USAGE: metatune" + command.map { " " + $0 }.joined()), "\(command): \(result.stdout)")
        }
    }

    func testVersion() throws {
        let result = try cli.run(["--version"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "0.1.0\n")
    }

    func testUsageErrorsPointToTheSubcommandsHelp() throws {
        try assertUsageError(["tune", "--trials", "2"], says: "give exactly one of --data FILE.csv and --dataset digits", command: "tune")
        try assertUsageError(["meta", "compare"], says: "give exactly one of --data FILE.csv and --dataset digits", command: "meta compare")
        try assertUsageError(["bench"], says: "give --problem NAME|all", command: "bench")
        try assertUsageError(["run", "--study", "s", "--space", "space.yaml", "--trials", "2", "--sampler", "magic", "--", "/bin/echo", "1"],
                             says: "The value 'magic' is invalid for '--sampler <sampler>' (expected one of: random, grid, qmc, tpe,",
                             command: "run", status: 64)
        try assertUsageError(["study", "delete", "ghost"], says: "without --yes", command: "study delete")
        try assertUsageError(["meta", "collect", "--tasks", ".", "--configs", "0"], says: "--configs", command: "meta collect")
        try assertUsageError(["demo", "--problem", "nowhere"], says: "'nowhere' is invalid for '--problem <problem>' (expected one of: ",
                             command: "demo", status: 64)
        // argument-parser's own errors (status 64): one line too, and the same pointer.
        try assertUsageError(["bench", "--problem", "all", "--bogus"], says: "Unknown option '--bogus'", command: "bench", status: 64)
        try assertUsageError(["run", "--study", "s", "--space", "space.yaml", "--trials", "many", "--", "/bin/echo", "1"],
                             says: "The value 'many' is invalid for '--trials <trials>'", command: "run", status: 64)
        try assertUsageError(["study", "trials"], says: "Missing expected argument '<name>'", command: "study trials", status: 64)
        try assertUsageError(["frobnicate"], says: "Unexpected argument 'frobnicate'", command: "", status: 64)
    }

    // MARK: Finding 16: negative numbers are read as numbers and refused for what they are

    func testNegativeNumbersAreRefusedByName() throws {
        let run = ["run", "--study", "s", "--space", "space.yaml"]
        let command = ["--", "/bin/echo", "1"]
        let cases: [([String], String, String)] = [
            (run + ["--trials", "-3"] + command, "--trials must be a positive whole number, got -3", "run"),
            (run + ["--trials", "2", "--concurrency", "-1"] + command, "--concurrency must be a positive whole number, got -1", "run"),
            (run + ["--trials", "2", "--trial-timeout", "-5"] + command, "--trial-timeout must be a positive number of seconds, got -5", "run"),
            (run + ["--trials", "2", "--heartbeat-grace", "-1"] + command, "--heartbeat-grace must be a positive number of seconds, got -1", "run"),
            (run + ["--trials", "2", "--seed", "-1"] + command, "The value '-1' is invalid for '--seed <seed>': a seed is a whole number from 0 to 18446744073709551615", "run"),
            (run + ["--trials", "2", "--scheduler", "asha", "--max-resource", "-9"] + command, "--max-resource must be a positive whole number, got -9", "run"),
            (run + ["--trials", "2", "--scheduler", "asha", "--max-resource", "9", "--min-resource", "-1"] + command,
             "--min-resource must be between 1 and --max-resource (9), got -1", "run"),
            (run + ["--trials", "2", "--scheduler", "asha", "--max-resource", "9", "--reduction-factor", "-3"] + command,
             "--reduction-factor must be at least 2, got -3", "run"),
            (run + ["--trials", "2", "--scheduler", "pbt", "--max-resource", "9", "--pbt-interval", "-2"] + command,
             "--pbt-interval must be between 1 and --max-resource (9), got -2", "run"),
            (run + ["--trials", "2", "--scheduler", "asha", "--max-resource", "9", "--budget", "-20"] + command,
             "--budget must be at least --min-resource (1), got -20", "run"),
            (["tune", "--dataset", "digits", "--trials", "-3"], "--trials must be a positive whole number, got -3", "tune"),
            (["tune", "--dataset", "digits", "--trials", "2", "--epochs", "-1"], "--epochs must be a positive whole number, got -1", "tune"),
            (["tune", "--dataset", "digits", "--trials", "2", "--threads", "-2"], "--threads must be a positive whole number, got -2", "tune"),
            (["tune", "--dataset", "digits", "--trials", "2", "--concurrency", "-1"], "--concurrency must be a positive whole number, got -1", "tune"),
            (["tune", "--dataset", "digits", "--trials", "2", "--test-fraction", "-0.1"], "--test-fraction must be at least 0 and below 0.5, got -0.1", "tune"),
            (["tune", "--dataset", "digits", "--trials", "2", "--seed", "-7"], "The value '-7' is invalid for '--seed <seed>'", "tune"),
            (["bench", "--problem", "all", "--trials", "-5"], "--trials must be a positive whole number, got -5", "bench"),
            (["bench", "--problem", "all", "--seeds", "-1"], "--seeds must be a positive whole number, got -1", "bench"),
            (["bench", "--train", "digits-mlp", "--threads", "-1"], "--threads must be a positive whole number, got -1", "bench"),
            (["demo", "--trials", "-1"], "--trials must be a positive whole number, got -1", "demo"),
            (["demo", "--seed", "-1"], "The value '-1' is invalid for '--seed <seed>'", "demo"),
            (["meta", "features", "task.csv", "--seed", "-1"], "The value '-1' is invalid for '--seed <seed>'", "meta features"),
            (["meta", "collect", "--tasks", ".", "--configs", "-1"], "--configs must be a positive whole number, got -1", "meta collect"),
            (["meta", "collect", "--tasks", ".", "--epochs", "-1"], "--epochs must be a positive whole number, got -1", "meta collect"),
            (["meta", "collect", "--tasks", ".", "--threads", "-1"], "--threads must be a positive whole number, got -1", "meta collect"),
            (["meta", "collect", "--tasks", ".", "--concurrency", "-1"], "--concurrency must be a positive whole number, got -1", "meta collect"),
            (["meta", "collect", "--tasks", ".", "--seed", "-1"], "The value '-1' is invalid for '--seed <seed>'", "meta collect"),
            (["meta", "bench", "--leave-one-out", "builtin", "--budget", "-1"], "--budget must be a positive whole number, got -1", "meta bench"),
            (["meta", "bench", "--leave-one-out", "builtin", "--seeds", "-1"], "--seeds must be a positive whole number, got -1", "meta bench"),
            (["meta", "bench", "--leave-one-out", "builtin", "--threads", "-1"], "--threads must be a positive whole number, got -1", "meta bench"),
            (["meta", "bench", "--leave-one-out", "builtin", "--epochs", "-1", "--metric", "accuracy"],
             "--epochs must be a positive whole number, got -1", "meta bench"),
            (["meta", "compare", "--dataset", "digits", "--trials", "-1"], "--trials must be a positive whole number, got -1", "meta compare"),
            (["meta", "compare", "--dataset", "digits", "--epochs", "-1"], "--epochs must be a positive whole number, got -1", "meta compare"),
            (["meta", "compare", "--dataset", "digits", "--threads", "-1"], "--threads must be a positive whole number, got -1", "meta compare"),
            (["meta", "compare", "--dataset", "digits", "--seed", "-1"], "The value '-1' is invalid for '--seed <seed>'", "meta compare"),
        ]
        for (arguments, message, command) in cases {
            let result = try cli.run(arguments)
            XCTAssertNotEqual(result.status, 0, "\(arguments)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "one line: \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(message), "'\(result.stderr)' lacks '\(message)'")
            XCTAssertTrue(result.stderr.hasSuffix("See '\(helpCommand(command))'.\n"), "\(arguments): \(result.stderr)")
        }
    }

    // MARK: Finding 17: --quiet hides progress, never the answer

    func testQuietKeepsTheResult() throws {
        let run = try cli.run(["run", "--study", "q", "--space", "space.yaml", "--trials", "2", "--quiet", "--", "/bin/echo", "0.5"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stderr, "")
        XCTAssertTrue(run.stdout.hasPrefix("study 'q': 2 trials (2 complete)\nbest value 0.5 at trial 0:\n"), run.stdout)
        let scheduled = try cli.run(["run", "--study", "qs", "--space", "space.yaml", "--trials", "3", "--scheduler", "asha",
                                     "--max-resource", "3", "--quiet", "--", "/bin/sh", "-c", "echo 0.5", "{resource}"])
        XCTAssertEqual(scheduled.status, 0, scheduled.stderr)
        XCTAssertEqual(scheduled.stderr, "")
        XCTAssertTrue(scheduled.stdout.hasPrefix("study 'qs': 3 trials (1 complete, 2 pruned)\nbest value 0.5 at trial 0:\n"), scheduled.stdout)
        let tune = try cli.run(["tune", "--data", "task.csv", "--trials", "2", "--epochs", "1", "--storage", "memory:", "--quiet"])
        XCTAssertEqual(tune.status, 0, tune.stderr)
        XCTAssertEqual(tune.stderr, "")
        XCTAssertTrue(tune.stdout.hasPrefix("study 'tune-task-mlp': 2 trials (2 complete)\nbest value "), tune.stdout)
        let bench = try cli.run(["bench", "--problem", "branin", "--trials", "5", "--seeds", "1", "--quiet"])
        XCTAssertEqual(bench.status, 0, bench.stderr)
        XCTAssertEqual(bench.stderr, "")
        let lines = bench.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, bench.stdout)
        XCTAssertTrue(lines.first?.hasPrefix("problem          sampler") == true, bench.stdout)
        XCTAssertTrue(lines.last?.hasPrefix("branin           tpe") == true, bench.stdout)
    }

    // MARK: Finding 21: scheduler-only placeholders and options need --scheduler

    func testSchedulerPlaceholdersAndMaxResourceNeedAScheduler() throws {
        for placeholder in ["{resource}", "{checkpoint}", "{restore}"] {
            try assertUsageError(["run", "--study", "s", "--space", "space.yaml", "--trials", "2", "--", "/bin/echo", "--at=\(placeholder)", "1"],
                                 says: "the placeholder \(placeholder) needs --scheduler", command: "run")
        }
        try assertUsageError(["run", "--study", "s", "--space", "space.yaml", "--trials", "2", "--max-resource", "9", "--", "/bin/echo", "1"],
                             says: "--max-resource needs --scheduler", command: "run")
        XCTAssertFalse(FileManager.default.fileExists(atPath: temporary.path("metatune.sqlite")), "nothing was stored")
        // No parameter may take such a name (finding 3).
        try temporary.write("resource.yaml", "resource: {type: int, low: 1, high: 3}\n")
        let shadowing = try cli.run(["run", "--study", "r", "--space", "resource.yaml", "--trials", "2", "--quiet", "--", "/bin/echo", "{resource}"])
        XCTAssertEqual(shadowing.status, 1, shadowing.stderr)
        XCTAssertTrue(shadowing.stderr.contains("parameter 'resource' has the name of MetaTune's own placeholder"), shadowing.stderr)
    }

    // MARK: Finding 25: the README says which commands take --storage

    func testTheREADMENamesTheCommandsThatTakeStorage() throws {
        var taking: [String] = []
        for command in Self.commands {
            let help = try cli.run(command + ["--help"])
            XCTAssertEqual(help.status, 0, "\(command): \(help.stderr)")
            if help.stdout.contains("--storage <storage>") { taking.append(command.joined(separator: " ")) }
        }
        XCTAssertEqual(taking, ["tune", "run", "study create", "study list", "study show", "study best", "study trials",
                                "study export", "study delete", "meta collect", "meta export"])
        let readme = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../README.md").standardized, encoding: .utf8)
        XCTAssertFalse(readme.contains("Every command takes `--storage"), "the README claims every command takes --storage")
        XCTAssertTrue(readme.contains("`tune`, `run`, every `study` command, `meta collect` and `meta export` take `--storage URL`"))
    }
}
