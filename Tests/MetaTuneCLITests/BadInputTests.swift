import Foundation
import XCTest
import TestSupport

/// Bad input gets one clear line on standard error and a non-zero exit, and nothing stored changes.
final class BadInputTests: CLITestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        try write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
        // A study with a few trials that every bad command below must leave untouched.
        let seed = try cli.run(["run", "--study", "keep", "--space", "space.yaml", "--trials", "3", "--quiet", "--", "/bin/echo", "1"])
        XCTAssertEqual(seed.status, 0, seed.stderr)
    }

    private var databaseDump: Data {
        (try? Data(contentsOf: directory.appendingPathComponent("metatune.sqlite"))) ?? Data()
    }

    private func assertFailsClearly(_ arguments: [String], mentioning words: [String],
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let storedBefore = try cli.run(["study", "trials", "keep", "--json"]).stdout
        let result = try cli.run(arguments)
        XCTAssertNotEqual(result.status, 0, "should fail: \(arguments)", file: file, line: line)
        let lines = result.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "one line on standard error, got: \(result.stderr)", file: file, line: line)
        for word in words {
            XCTAssertTrue(result.stderr.contains(word), "'\(result.stderr)' lacks '\(word)'", file: file, line: line)
        }
        XCTAssertEqual(try cli.run(["study", "trials", "keep", "--json"]).stdout, storedBefore,
                       "stored trials changed", file: file, line: line)
    }

    func testMalformedYAML() throws {
        try write("broken.yaml", "x: {type: float, low: 0, high: [1\n")
        try assertFailsClearly(["run", "--study", "keep", "--space", "broken.yaml", "--trials", "5", "--", "/bin/echo", "1"],
                               mentioning: ["broken.yaml", "not valid YAML"])
        try write("invalid.yaml", "x: {type: float, low: 1, high: 0}\n")
        try assertFailsClearly(["run", "--study", "keep", "--space", "invalid.yaml", "--trials", "5", "--", "/bin/echo", "1"],
                               mentioning: ["invalid.yaml:1", "'x'", "low (1) must not be greater than high (0)"])
    }

    func testUnknownSamplerPrunerAndPlaceholder() throws {
        try assertFailsClearly(["run", "--study", "keep", "--space", "space.yaml", "--trials", "5", "--sampler", "magic",
                                "--", "/bin/echo", "1"], mentioning: ["'magic' is invalid for '--sampler", "expected one of: random, grid"])
        try assertFailsClearly(["run", "--study", "keep", "--space", "space.yaml", "--trials", "5", "--pruner", "nope",
                                "--", "/bin/echo", "1"], mentioning: ["'nope' is invalid for '--pruner", "successive-halving"])
        try assertFailsClearly(["run", "--study", "keep", "--space", "space.yaml", "--trials", "5",
                                "--", "/bin/echo", "{y}"], mentioning: ["{y}"])
        try assertFailsClearly(["run", "--study", "keep", "--space", "space.yaml", "--trials", "5",
                                "--", "no-such-program-xyz"], mentioning: ["no-such-program-xyz", "not found"])
        try assertFailsClearly(["run", "--study", "keep", "--space", "space.yaml", "--trials", "5", "--direction", "maximize",
                                "--", "/bin/echo", "1"], mentioning: ["direction minimize"])
    }

    func testStorageInAMissingDirectory() throws {
        try assertFailsClearly(["run", "--study", "keep", "--space", "space.yaml", "--trials", "5",
                                "--storage", "sqlite:missing/dir/db.sqlite", "--", "/bin/echo", "1"],
                               mentioning: ["missing/dir", "does not exist"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("missing").path))
    }

    func testAFileThatIsNotASQLiteDatabase() throws {
        try write("notes.txt", "dear diary\n")
        try assertFailsClearly(["study", "list", "--storage", "sqlite:notes.txt"], mentioning: ["notes.txt", "not a SQLite database"])
        XCTAssertEqual(try String(contentsOf: directory.appendingPathComponent("notes.txt"), encoding: .utf8), "dear diary\n")
    }

    func testAStudyThatDoesNotExist() throws {
        for command in [["study", "show", "ghost"], ["study", "best", "ghost"], ["study", "trials", "ghost"],
                        ["study", "export", "ghost", "--format", "csv"], ["study", "delete", "ghost", "--yes"]] {
            try assertFailsClearly(command, mentioning: ["no study named 'ghost'"])
        }
    }

    func testDeleteNeedsConfirmation() throws {
        try assertFailsClearly(["study", "delete", "keep"], mentioning: ["--yes"])
    }

    func testBadNumbers() throws {
        try assertFailsClearly(["run", "--study", "keep", "--space", "space.yaml", "--trials", "0", "--", "/bin/echo", "1"],
                               mentioning: ["--trials"])
        try assertFailsClearly(["run", "--study", "keep", "--space", "space.yaml", "--trials", "5", "--concurrency", "0",
                                "--", "/bin/echo", "1"], mentioning: ["--concurrency"])
    }
}

extension BadInputTests {
    /// Issue 16, findings 1 and 2: a `--space` the built-in model cannot take is refused before
    /// any trial, with the file, line and parameter — unknown names with the known ones and the
    /// nearest, ranges outside what the model accepts — instead of crashing or being ignored.
    func testABuiltinModelsSpaceIsCheckedBeforeAnyTrial() throws {
        try temporary.write("task.csv", "a,b,label\n" + (0..<40).map { "\($0 % 7),\($0 % 5),\($0 % 2)" }.joined(separator: "\n") + "\n")
        let cases: [(String, String)] = [
            ("epochs: {type: int, low: -3, high: 0}", "space.yaml:2: parameter 'epochs': values must lie in [1, 10000], got -3..0"),
            ("dropout: {type: float, low: 1.0, high: 2.0}", "space.yaml:2: parameter 'dropout': values must lie in [0, 1), got 1..2"),
            ("width: {type: int, low: 0, high: 4}", "space.yaml:2: parameter 'width': values must lie in [1, 16384], got 0..4"),
            ("depth: {type: int, low: -1, high: 2}", "space.yaml:2: parameter 'depth': values must lie in [1, 64], got -1..2"),
            ("width: {type: int, low: 200000, high: 200001}", "space.yaml:2: parameter 'width': values must lie in [1, 16384], got 200000..200001"),
            ("lr: {type: float, low: 0.001, high: 0.1}",
             "space.yaml:2: parameter 'lr': the mlp does not read a hyperparameter 'lr' (it reads: learning_rate, batch_size, depth, width, "
                + "activation, dropout, weight_decay, optimizer, momentum, hyper_lr, warmup, epochs, batch_norm; did you mean 'learning_rate'?)"),
            ("batch_size: {type: int, low: -8, high: 32}", "space.yaml:2: parameter 'batch_size': values must lie in [1, 65536], got -8..32"),
            ("learning_rate: {type: float, low: -0.1, high: 0.1}", "space.yaml:2: parameter 'learning_rate': values must lie in (0, 10], got -0.1..0.1"),
            ("weight_decay: {type: float, low: -1.0, high: 0.1}", "space.yaml:2: parameter 'weight_decay': values must lie in [0, 1], got -1..0.1"),
            ("optimizer: {type: categorical, choices: [adam, lbfgs]}", "space.yaml:2: parameter 'optimizer': unknown choice lbfgs"),
        ]
        for (line, expected) in cases {
            try temporary.write("space.yaml", "activation: {type: categorical, choices: [relu]}\n" + line + "\n")
            let result = try cli.run(["tune", "--data", "task.csv", "--model", "mlp", "--space", "space.yaml", "--trials", "1",
                                      "--epochs", "1", "--storage", "memory:"])
            XCTAssertEqual(result.status, 1, "\(line): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(expected), "\(line): \(result.stderr)")
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        }
    }
}
