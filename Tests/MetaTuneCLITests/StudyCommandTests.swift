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

    func testImportanceRanksTheParameterTheValueDependsOn() throws {
        try write("xy.yaml", "x: {type: float, low: 0, high: 1}\ny: {type: float, low: 0.001, high: 1, log: true}\n")
        XCTAssertEqual(try cli.run(["study", "importance", "i"]).status, 1, "no such study")
        let run = try cli.run(["run", "--study", "i", "--space", "xy.yaml", "--trials", "60", "--sampler", "random", "--quiet", "--",
                               "awk", "BEGIN { print 10 * {x} + 0.01 * {y} }"])
        XCTAssertEqual(run.status, 0, run.stderr)
        for method in ["ped-anova", "fanova"] {
            let result = try cli.run(["study", "importance", "i", "--method", method, "--json"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            XCTAssertEqual(object["method"] as? String, method)
            XCTAssertEqual(object["trials_used"] as? Int, 60)
            let entries = try XCTUnwrap(object["importances"] as? [[String: Any]])
            XCTAssertEqual(entries.map { $0["name"] as? String }, ["x", "y"], result.stdout)
        }
        let table = try cli.run(["study", "importance", "i"])
        XCTAssertTrue(table.stdout.contains("ped-anova importance from 60 complete trials"), table.stdout)
        let unknown = try cli.run(["study", "importance", "i", "--params", "x,z"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("no parameter 'z'"), unknown.stderr)

        let export = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try cli.run(["study", "export", "i", "--format", "json"]).stdout.utf8)) as? [String: Any])
        let distributions = try XCTUnwrap(export["distributions"] as? [String: [String: Any]])
        XCTAssertEqual(distributions["y"]?["type"] as? String, "float")
        XCTAssertEqual(distributions["y"]?["log"] as? Bool, true)
        XCTAssertEqual(distributions["y"]?["low"] as? Double, 0.001)
    }

    func testImportanceOfAStudyWithoutEnoughTrialsSaysSo() throws {
        XCTAssertEqual(try cli.run(["study", "create", "e"]).status, 0)
        let result = try cli.run(["study", "importance", "e"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("needs at least 2 complete trials"), result.stderr)
    }
}
