import Foundation
import XCTest
import TestSupport

/// `metatune tune --scheduler …` end to end.
final class SchedulerCommandTests: CLITestCase {

    override func setUpWithError() throws {
        try super.setUpWithError()
        var lines = ["f0,f1,label"]
        for i in 0..<90 {
            let label = i % 3
            lines.append("\(Double(label) + Double(i % 7) / 10),\(Double(2 - label) - Double(i % 5) / 10),\(label)")
        }
        try temporary.write("task.csv", lines.joined(separator: "\n") + "\n")
    }

    /// The JSON objects among the lines of `text` (`--json` output: one per trial, then the test score).
    private func jsonLines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func testSuccessiveHalvingStopsAllButTheBestAndReportsTheResourceSaved() throws {
        let result = try cli.run(["tune", "--data", "task.csv", "--model", "mlp", "--trials", "9", "--epochs", "9",
                                  "--scheduler", "sha", "--storage", "sqlite:s.sqlite", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let states = jsonLines(result.stdout).compactMap { $0["state"] as? String }
        XCTAssertEqual(states.count, 9)
        XCTAssertEqual(states.filter { $0 == "complete" }.count, 1)
        XCTAssertEqual(states.filter { $0 == "pruned" }.count, 8)
        let quiet = try cli.run(["tune", "--data", "task.csv", "--model", "mlp", "--trials", "9", "--epochs", "9",
                                 "--scheduler", "sha", "--storage", "memory:"])
        XCTAssertEqual(quiet.status, 0, quiet.stderr)
        // 9 trials × 1 epoch, 3 × 2 more, 1 × 6 more = 21 of 81.
        XCTAssertTrue(quiet.stderr.contains("resource: 21 epochs for 9 trials; at the full 9 epochs each they would take 81"), quiet.stderr)
    }

    func testImpossibleSchedulerSettingsAreRefused() throws {
        for (arguments, message) in [(["--scheduler", "magic"], "'magic' is invalid for '--scheduler <scheduler>' (expected one of: none, sha, hyperband, asha, bohb, pbt)"),
                                     (["--scheduler", "hyperband", "--min-resource", "20"], "--min-resource"),
                                     (["--scheduler", "hyperband", "--reduction-factor", "1"], "--reduction-factor"),
                                     (["--scheduler", "asha", "--meta", "rgpe"], "--meta rgpe models complete trials only"),
                                     (["--scheduler", "pbt", "--budget", "30"], "--budget does not apply to pbt"),
                                     (["--scheduler", "asha", "--budget", "0"], "--budget must be at least --min-resource"),
                                     (["--scheduler", "hyperband", "--budget", "20"], "--budget 20 is less than the cheapest bracket's 21 epochs"),
                                     (["--test-fraction", "0.5"], "--test-fraction must be at least 0 and below 0.5"),
                                     (["--scheduler", "pbt", "--test-fraction", "0.2"], "cannot retrain a pbt winner")] {
            let result = try cli.run(["tune", "--data", "task.csv", "--model", "mlp", "--trials", "3", "--epochs", "9",
                                      "--storage", "memory:"] + arguments)
            XCTAssertEqual(result.status, arguments.contains("magic") ? 64 : 1, "\(arguments)")
            XCTAssertTrue(result.stderr.contains(message), result.stderr)
        }
    }

    func testABudgetCapsTheResourceSpent() throws {
        // Without --trials, every trial costs at least --min-resource (1 epoch): 25 is as many as the budget could start.
        for (trialOptions, cap) in [(["--trials", "1000"], 1000), ([], 25)] {
            let asha = try cli.run(["tune", "--data", "task.csv", "--model", "mlp", "--epochs", "9",
                                    "--scheduler", "asha", "--budget", "25", "--storage", "memory:"] + trialOptions)
            XCTAssertEqual(asha.status, 0, asha.stderr)
            XCTAssertTrue(asha.stderr.contains("up to \(cap) trials of up to 9 epochs, 25 epochs in all"), asha.stderr)
            XCTAssertTrue(asha.stderr.contains("\(cap) new trials at most, within a budget of 25 epochs"), asha.stderr)
            XCTAssertTrue(asha.stderr.contains("resource: 25 epochs for "), asha.stderr)
        }
        let hyperband = try cli.run(["tune", "--data", "task.csv", "--model", "mlp", "--trials", "1000", "--epochs", "9",
                                     "--scheduler", "hyperband", "--budget", "50", "--storage", "memory:"])
        XCTAssertEqual(hyperband.status, 0, hyperband.stderr)
        // Brackets s = 2, 0, 1 cost 21, 27 and 21 epochs: the first two fit in 50 (the full-budget one is reached).
        XCTAssertTrue(hyperband.stderr.contains("running 2 brackets, 12 trials, 48 epochs"), hyperband.stderr)
        XCTAssertTrue(hyperband.stderr.contains("resource: 48 epochs for 12 trials"), hyperband.stderr)
    }

    func testWithoutTrialsTheBudgetDecidesOrTheRunIsRefused() throws {
        let hyperband = try cli.run(["tune", "--data", "task.csv", "--model", "mlp", "--epochs", "9", "--min-resource", "3",
                                     "--scheduler", "hyperband", "--budget", "50", "--storage", "memory:"])
        XCTAssertEqual(hyperband.status, 0, hyperband.stderr)
        // Brackets 3×3 → 1×9 (15 epochs) and 2×9 (18): a cycle and one more first bracket fit in 50.
        XCTAssertTrue(hyperband.stderr.contains("running 3 brackets, 8 trials, 48 epochs"), hyperband.stderr)
        for arguments in [[String](), ["--scheduler", "asha"], ["--scheduler", "sha", "--budget", "25"], ["--scheduler", "pbt"]] {
            let refused = try cli.run(["tune", "--data", "task.csv", "--model", "mlp", "--epochs", "9", "--storage", "memory:"] + arguments)
            XCTAssertEqual(refused.status, 1, "\(arguments)")
            XCTAssertTrue(refused.stderr.contains("--trials is required (it may be left out only with --scheduler hyperband, asha or bohb and a --budget)"),
                          refused.stderr)
        }
    }

    func testTheBestConfigurationIsScoredOnHeldOutRows() throws {
        let result = try cli.run(["tune", "--data", "task.csv", "--model", "mlp", "--trials", "9", "--epochs", "9",
                                  "--scheduler", "sha", "--test-fraction", "0.2", "--storage", "memory:", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = jsonLines(result.stdout)
        let test = try XCTUnwrap(lines.last?["test"] as? [String: Any], result.stdout)
        let best = try XCTUnwrap(lines.filter { $0["state"] as? String == "complete" }.first)
        XCTAssertEqual(test["trial"] as? Int, best["number"] as? Int)
        XCTAssertEqual(test["metric"] as? String, "accuracy")
        XCTAssertEqual(test["rows"] as? Int, 18)
        let value = try XCTUnwrap(test["value"] as? Double)
        XCTAssertTrue((0...1).contains(value))
        let plain = try cli.run(["tune", "--data", "task.csv", "--model", "mlp", "--trials", "2", "--epochs", "2",
                                 "--test-fraction", "0.2", "--storage", "memory:"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertTrue(plain.stderr.contains("18 test rows held out"), plain.stderr)
        XCTAssertTrue(plain.stdout.contains("held-out test accuracy of trial "), plain.stdout)
    }

    func testBOHBRunsHyperbandBracketsWithItsModel() throws {
        let result = try cli.run(["tune", "--data", "task.csv", "--model", "mlp", "--trials", "30", "--epochs", "9",
                                  "--scheduler", "bohb", "--storage", "memory:"])
        XCTAssertEqual(result.status, 0, result.stderr)
        // Rounds of s = 2, 0, 1 (17 trials each) until 30 have started: 34.
        XCTAssertTrue(result.stderr.contains("bohb: brackets (trials × epochs): 9×1 → 3×3 → 1×9; 3×9; 5×3 → 1×9; running 6 brackets, 34 trials"), result.stderr)
        XCTAssertTrue(result.stdout.contains("34 trials (10 complete, 24 pruned)"), result.stdout)
    }

    func testASHAWithConcurrentTrainingLosesNoTrial() throws {
        let result = try cli.run(["tune", "--data", "task.csv", "--model", "mlp", "--trials", "15", "--epochs", "9",
                                  "--scheduler", "asha", "--concurrency", "3", "--storage", "sqlite:s.sqlite", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = jsonLines(result.stdout)
        XCTAssertEqual(lines.compactMap { $0["number"] as? Int }.sorted(), Array(0..<15))
        XCTAssertTrue(lines.allSatisfy { ["complete", "pruned"].contains($0["state"] as? String) })
        XCTAssertGreaterThan(lines.filter { $0["state"] as? String == "complete" }.count, 0)
    }

    func testPBTTrainsAPopulationAndShowsTheWinnersFinalHyperparameters() throws {
        let result = try cli.run(["tune", "--data", "task.csv", "--model", "mlp", "--trials", "4", "--epochs", "6",
                                  "--scheduler", "pbt", "--pbt-interval", "2", "--storage", "memory:"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("pbt: a population of 4, each ranked every 2 epochs up to 6"), result.stderr)
        XCTAssertTrue(result.stderr.contains("resource: 24 epochs for 4 trials"), result.stderr)
        XCTAssertTrue(result.stdout.contains("4 trials (4 complete)"), result.stdout)
        let refused = try cli.run(["tune", "--data", "task.csv", "--model", "mlp", "--trials", "1", "--epochs", "6",
                                   "--scheduler", "pbt", "--storage", "memory:"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("population"), refused.stderr)
    }
}
