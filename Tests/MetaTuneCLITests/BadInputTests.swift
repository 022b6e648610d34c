import Foundation
import XCTest
import TestSupport

/// Bad input gets one clear line on standard error and a non-zero exit, and nothing stored changes.
final class BadInputTests: XCTestCase {
    private var temporary: TemporaryDirectory!
    private var directory: URL { temporary.url }
    private var cli: CLI!

    override func setUpWithError() throws {
        temporary = try TemporaryDirectory("metatune-bad")
        cli = CLI(workingDirectory: directory)
        try write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
        // A study with a few trials that every bad command below must leave untouched.
        let seed = try cli.run(["run", "--study", "keep", "--space", "space.yaml", "--trials", "3", "--quiet", "--", "/bin/echo", "1"])
        XCTAssertEqual(seed.status, 0, seed.stderr)
    }

    override func tearDownWithError() throws {
        temporary = nil
    }

    private func write(_ name: String, _ text: String) throws {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
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
                               mentioning: ["invalid.yaml:1", "'x'", "low (1) must be less than high (0)"])
    }

    func testUnknownSamplerPrunerAndPlaceholder() throws {
        try assertFailsClearly(["run", "--study", "keep", "--space", "space.yaml", "--trials", "5", "--sampler", "magic",
                                "--", "/bin/echo", "1"], mentioning: ["unknown sampler 'magic'"])
        try assertFailsClearly(["run", "--study", "keep", "--space", "space.yaml", "--trials", "5", "--pruner", "nope",
                                "--", "/bin/echo", "1"], mentioning: ["unknown pruner 'nope'"])
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
