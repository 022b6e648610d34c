import Foundation
import XCTest
import TestSupport

/// The `study` commands' output.
final class StudyCommandTests: CLITestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        try "x: {type: float, low: 0, high: 1}\nname: {type: categorical, choices: ['a,b', 'c\"d']}\n"
            .write(to: directory.appendingPathComponent("space.yaml"), atomically: true, encoding: .utf8)
    }

    func testCreateListShowBestExportAndDelete() throws {
        XCTAssertEqual(try cli.run(["study", "create", "m", "--direction", "maximize"]).status, 0)
        XCTAssertNotEqual(try cli.run(["study", "create", "m"]).status, 0, "names are unique")
        let run = try cli.run(["run", "--study", "m", "--space", "space.yaml", "--trials", "5", "--quiet", "--",
                               "/bin/sh", "-c", "echo {x}"])
        XCTAssertEqual(run.status, 0, run.stderr)

        let list = try cli.run(["study", "list"])
        XCTAssertTrue(list.stdout.contains("m") && list.stdout.contains("maximize"), list.stdout)
        let listed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try cli.run(["study", "list", "--json"]).stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(listed.first?["trials"] as? Int, 5)

        let best = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try cli.run(["study", "best", "m", "--json"]).stdout.utf8)) as? [String: Any])
        let trials = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try cli.run(["study", "trials", "m", "--json"]).stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(best["value"] as? Double, trials.compactMap { $0["value"] as? Double }.max(), "maximize picks the largest")
        XCTAssertTrue(try cli.run(["study", "show", "m"]).stdout.contains("5 complete"))

        let csvFile = directory.appendingPathComponent("m.csv").path
        XCTAssertEqual(try cli.run(["study", "export", "m", "--format", "csv", "--output", csvFile]).status, 0)
        let csv = try String(contentsOfFile: csvFile, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.first, "number,state,value,duration_s,param_name,param_x,reason")
        XCTAssertEqual(csv.count, 6)
        XCTAssertTrue(csv.dropFirst().allSatisfy { $0.contains("\"a,b\"") || $0.contains("\"c\"\"d\"") }, "CSV quoting")

        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try cli.run(["study", "export", "m", "--format", "json"]).stdout.utf8)) as? [String: Any])
        XCTAssertEqual((json["trials"] as? [Any])?.count, 5)

        XCTAssertEqual(try cli.run(["study", "delete", "m", "--yes"]).status, 0)
        XCTAssertEqual(try cli.run(["study", "list", "--json"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines), "[]")
    }

    func testTrialsFilterByState() throws {
        XCTAssertEqual(try cli.run(["run", "--study", "f", "--space", "space.yaml", "--trials", "4", "--quiet", "--",
                                    "/bin/sh", "-c", "if [ {trial_number} = 2 ]; then exit 1; fi; echo 1"]).status, 0)
        let failed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try cli.run(["study", "trials", "f", "--state", "failed", "--json"]).stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(failed.map { $0["number"] as? Int }, [2])
        XCTAssertTrue((failed.first?["reason"] as? String)?.contains("exit status 1") ?? false)
    }
}
