import Foundation
import MetaTune
import MetaTuneSQLite
import TestSupport
import XCTest

/// `metatune study copy`: SQLite → PostgreSQL → SQLite gives back every study byte for byte.
final class StudyCopyCommandTests: CLITestCase {
    /// Three studies of different kinds, written through the library.
    private func writeStudies(to path: String) throws {
        let storage = try SQLiteStorage(path: path)
        let unit = Distribution.float(try FloatDistribution(low: 1e-4, high: 1, log: true))
        let width = Distribution.int(try IntDistribution(low: 8, high: 512, log: true))
        let kind = Distribution.categorical(try CategoricalDistribution(choices: ["relu", "tanh", 3.5, false]))
        for (index, name) in ["curves", "mixed states", "ünïcode"].enumerated() {
            let study = try Study.create(name: name, direction: index == 1 ? .maximize : .minimize, sampler: RandomSampler(seed: UInt64(index)), storage: storage)
            try study.setUserAttribute("task", .object(["rows": .number(Double(100 * index)), "note": .string("a \"b\" ✓")]))
            for n in 0..<12 {
                let trial = try study.ask()
                let lr = try trial.suggest("lr", unit).doubleValue ?? 0
                _ = try trial.suggest("width", width)
                _ = try trial.suggest("kind", kind)
                try trial.setUserAttribute("seen", .bool(n % 2 == 0))
                if index == 0 { for step in 0..<9 { try trial.report(lr * Double(9 - step), step: step) } }
                switch n % 4 {
                case 0 where index == 1: try study.tell(trial, state: .failed, reason: "exit 3: boom")
                case 1 where index == 1: try study.tell(trial, state: .pruned)
                default: try study.tell(trial, value: Double(n) / 7)
                }
            }
        }
    }

    func testCopyingToPostgreSQLAndBackGivesIdenticalExports() throws {
        let server = try PostgresTestServer.shared()
        try server.reset()
        let original = directory.appendingPathComponent("original.sqlite").path
        let returned = directory.appendingPathComponent("returned.sqlite").path
        try writeStudies(to: original)
        let there = try cli.run(["study", "copy", "--all", "--from", "sqlite:" + original, "--to", server.url])
        XCTAssertEqual(there.status, 0, there.stderr)
        XCTAssertTrue(there.stdout.contains("copied 3 studies"), there.stdout)
        XCTAssertFalse(there.stdout.contains(try XCTUnwrap(PostgresLocation(server.url).password)), "the password is never printed")
        let back = try cli.run(["study", "copy", "--all", "--from", server.url, "--to", "sqlite:" + returned])
        XCTAssertEqual(back.status, 0, back.stderr)
        for name in ["curves", "mixed states", "ünïcode"] {
            let before = try cli.run(["study", "export", name, "--format", "json", "--storage", "sqlite:" + original])
            let middle = try cli.run(["study", "export", name, "--format", "json", "--storage", server.url])
            let after = try cli.run(["study", "export", name, "--format", "json", "--storage", "sqlite:" + returned])
            XCTAssertEqual(before.status, 0, before.stderr)
            XCTAssertFalse(before.stdout.isEmpty)
            XCTAssertEqual(middle.stdout, before.stdout, name)
            XCTAssertEqual(after.stdout, before.stdout, name)
        }
        // Nothing is copied over a study that exists; one study can be copied under a new name.
        let again = try cli.run(["study", "copy", "--all", "--from", "sqlite:" + original, "--to", server.url])
        XCTAssertNotEqual(again.status, 0)
        XCTAssertTrue(again.stderr.contains("nothing was copied"), again.stderr)
        let renamed = try cli.run(["study", "copy", "curves", "--as", "curves-2", "--from", "sqlite:" + original, "--to", server.url])
        XCTAssertEqual(renamed.status, 0, renamed.stderr)
        XCTAssertEqual(try cli.run(["study", "trials", "curves-2", "--storage", server.url, "--json"]).status, 0)
    }

    func testBadCopiesAreRefusedWithOneLine() throws {
        for arguments in [["study", "copy", "--from", "sqlite:a.sqlite", "--to", "sqlite:b.sqlite"],
                          ["study", "copy", "x", "--all", "--from", "sqlite:a.sqlite", "--to", "sqlite:b.sqlite"],
                          ["study", "copy", "x", "--from", "sqlite:a.sqlite", "--to", "sqlite:a.sqlite"],
                          ["study", "copy", "x", "--from", "sqlite:missing.sqlite", "--to", "sqlite:b.sqlite"]] {
            let result = try cli.run(arguments)
            XCTAssertNotEqual(result.status, 0, arguments.joined(separator: " "))
            XCTAssertFalse(result.stderr.isEmpty, arguments.joined(separator: " "))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("b.sqlite").path),
                       "a refused copy creates no destination")
    }
}
