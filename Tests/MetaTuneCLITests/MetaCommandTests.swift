import Foundation
import XCTest
import TestSupport

/// `metatune meta …` and `--meta` end to end.
final class MetaCommandTests: CLITestCase {

    /// A small three-class CSV, varied by `shift` so that tasks differ.
    private func writeTask(_ path: String, shift: Int) throws {
        var lines = ["f0,f1,f2,label"]
        for i in 0..<90 {
            let label = (i + shift) % 3
            let jitter = Double((i * 37 + shift) % 11) / 20
            lines.append("\(Double(label) + jitter),\(Double(2 - label) - jitter),\(Double(shift) * jitter),\(label)")
        }
        try temporary.write(path, lines.joined(separator: "\n") + "\n")
    }

    func testFeaturesPrintsEveryMetaFeatureAsJSONAndRejectsABadFile() throws {
        try writeTask("task.csv", shift: 1)
        let result = try cli.run(["meta", "features", "task.csv", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Double])
        XCTAssertEqual(object["rows"], 90)
        XCTAssertEqual(object["classes"], 3)
        XCTAssertEqual(object.count, 24)
        try temporary.write("bad.csv", "a,label\nx,1\n")
        let bad = try cli.run(["meta", "features", "bad.csv"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(bad.stderr.split(separator: "\n").count, 1, bad.stderr)
    }

    /// Collect two tasks into a file, resume, export, and compare methods on the pools.
    func testCollectResumesExportsAndBenchPrintsTheDocumentedJSON() throws {
        try FileManager.default.createDirectory(at: temporary.url.appendingPathComponent("tasks"), withIntermediateDirectories: true)
        for (index, name) in ["alpha", "beta", "gamma"].enumerated() { try writeTask("tasks/\(name).csv", shift: index + 1) }
        let collect = ["meta", "collect", "--tasks", "tasks", "--configs", "4", "--epochs", "1", "--storage", "sqlite:kb.sqlite"]
        let first = try cli.run(collect)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stderr.contains("collect 12/12"), first.stderr)
        let again = try cli.run(collect + ["--quiet"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stderr, "", "nothing left to collect, and --quiet")
        // Other settings would label the stored trials with epochs they were not trained for.
        let otherEpochs = try cli.run(["meta", "collect", "--tasks", "tasks", "--configs", "4", "--epochs", "2", "--storage", "sqlite:kb.sqlite"])
        XCTAssertEqual(otherEpochs.status, 1)
        XCTAssertTrue(otherEpochs.stderr.contains("study 'meta:mlp:alpha' was collected with --epochs 1 --metric accuracy --seed 0, "
                                                  + "not --epochs 2 --metric accuracy --seed 0"), otherEpochs.stderr)
        let export = try cli.run(["meta", "export", "--storage", "sqlite:kb.sqlite", "--out", "kb.json"])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertTrue(export.stderr.contains("3 tasks, 12 trials"), export.stderr)
        let bench = try cli.run(["meta", "bench", "--leave-one-out", "kb.json", "--budget", "2", "--seeds", "1",
                                 "--methods", "random,knn,auto", "--json", "--quiet"])
        XCTAssertEqual(bench.status, 0, bench.stderr)
        let lines = bench.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        XCTAssertEqual(object["method"] as? String, "knn")
        XCTAssertEqual(Set((object["regret"] as? [String: Double] ?? [:]).keys), ["1"])
        XCTAssertNotNil(object["trials_to_target"] as? Double)
        XCTAssertNotNil(object["average_rank"] as? Double)
        XCTAssertTrue(object["spearman"] is NSNull)
        // The pools scored again at the first epoch (collected with one, so the same), and a half-given scoring refused.
        let rescored = try cli.run(["meta", "bench", "--leave-one-out", "kb.json", "--budget", "2", "--seeds", "1",
                                    "--methods", "random,knn,auto", "--json", "--quiet", "--epochs", "1", "--metric", "best-accuracy"])
        XCTAssertEqual(rescored.status, 0, rescored.stderr)
        XCTAssertEqual(rescored.stdout, bench.stdout)
        let halfGiven = try cli.run(["meta", "bench", "--leave-one-out", "kb.json", "--epochs", "1"])
        XCTAssertEqual(halfGiven.status, 1)
        XCTAssertTrue(halfGiven.stderr.contains("--epochs (at least 1) and --metric (accuracy or best-accuracy) go together"), halfGiven.stderr)
        // An unknown method is refused before anything runs, the valid ones listed.
        let unknown = try cli.run(["meta", "bench", "--leave-one-out", "kb.json", "--methods", "random,magic"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("random,magic") && unknown.stderr.contains("portfolio"), unknown.stderr)
        let missing = try cli.run(["meta", "collect", "--tasks", "nowhere", "--storage", "memory:"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("no such directory"), missing.stderr)
    }

    /// A new user's first run on a data set outside the pool: the shipped knowledge base is used
    /// with no set-up, and the progress says where the first suggestions came from.
    func testTuneWithMetaAutoUsesTheShippedKnowledgeAndSaysWhereTrialsComeFrom() throws {
        try writeTask("new.csv", shift: 5)
        let result = try cli.run(["tune", "--data", "new.csv", "--model", "mlp", "--meta", "auto", "--trials", "3",
                                  "--epochs", "1", "--storage", "sqlite:study.sqlite"])
        XCTAssertEqual(result.status, 0, result.stderr)
        // The shipped knowledge (27 epochs, last epoch) is scored again from its learning curves as this run scores.
        XCTAssertTrue(result.stderr.contains("meta auto: learning from 40 past tasks (aer_cps1985, aer_gsoep9402, cardata_chile, … 37 more), "
                                             + "sharing 8 of 8 parameters (learning_rate, batch_size, depth, width, activation, dropout, weight_decay, optimizer) "
                                             + "and measuring best-accuracy of mlp (1 epochs); 40 with meta-features "
                                             + "(scored at 1 epochs by best-accuracy: 40 rescored from their learning curves)"),
                      result.stderr)
        XCTAssertTrue(result.stderr.contains("trial 0: transfer: mean normalised score"), result.stderr)
        XCTAssertFalse(result.stderr.contains("note:"), result.stderr)
        // Its curves stop at 27 epochs: a longer run learns from it as collected, and the progress says
        // how to collect knowledge that matches.
        let longer = try cli.run(["tune", "--data", "new.csv", "--model", "mlp", "--meta", "auto", "--trials", "1",
                                  "--epochs", "28", "--storage", "memory:"])
        XCTAssertEqual(longer.status, 0, longer.stderr)
        XCTAssertTrue(longer.stderr.contains("(scored at 27 epochs by accuracy)"), longer.stderr)
        XCTAssertTrue(longer.stderr.contains("note: this run trains 28 epochs scored by best-accuracy, so rankings may transfer less well; "
                                             + "knowledge collected the same way: metatune meta collect --epochs 28 --metric best-accuracy"),
                      longer.stderr)
        // The study recorded the task's meta-features, so it is knowledge for the next tasks.
        let export = try cli.run(["meta", "export", "--storage", "sqlite:study.sqlite", "--out", "own.json"])
        XCTAssertEqual(export.status, 0, export.stderr)
        let exported = try String(contentsOf: temporary.url.appendingPathComponent("own.json"), encoding: .utf8)
        XCTAssertTrue(exported.contains("\"name\":\"new\""), exported)
        let unknown = try cli.run(["tune", "--data", "new.csv", "--model", "mlp", "--meta", "magic", "--trials", "1"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("'magic' is invalid for '--meta <meta>' (expected one of: none, knn, portfolio"), unknown.stderr)
    }

    /// `--meta` under a scheduler: the first trials are the meta-learned configurations (the same
    /// ones as without a scheduler), then the scheduler's own sampler — here BOHB's model — takes over.
    func testMetaLearningStartsASchedulerThatThenUsesItsOwnSampler() throws {
        try writeTask("new.csv", shift: 5)
        let plain = try cli.run(["tune", "--data", "new.csv", "--model", "mlp", "--meta", "portfolio", "--knowledge", "builtin",
                                 "--trials", "2", "--epochs", "3", "--storage", "memory:", "--json"])
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertTrue(plain.stderr.contains("then: Gaussian-process BO"), plain.stderr)
        let bohb = try cli.run(["tune", "--data", "new.csv", "--model", "mlp", "--meta", "portfolio", "--knowledge", "builtin",
                                "--scheduler", "bohb", "--trials", "5", "--epochs", "3", "--storage", "memory:", "--json"])
        XCTAssertEqual(bohb.status, 0, bohb.stderr)
        XCTAssertTrue(bohb.stderr.contains("then: BOHB's model on this task's trials"), bohb.stderr)
        /// Each trial's parameters as canonical JSON, in trial-number order.
        func params(_ output: String) -> [String] {
            output.split(separator: "\n").compactMap { line -> (Int, String)? in
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                      let number = object["number"] as? Int, let params = object["params"],
                      let canonical = try? JSONSerialization.data(withJSONObject: params, options: .sortedKeys) else { return nil }
                return (number, String(decoding: canonical, as: UTF8.self))
            }.sorted { $0.0 < $1.0 }.map(\.1)
        }
        XCTAssertEqual(params(plain.stdout).count, 2, plain.stdout)
        XCTAssertEqual(Array(params(bohb.stdout).prefix(2)), params(plain.stdout))
    }

    /// `run --meta` never mixes objectives silently: the shipped knowledge measured the built-in
    /// MLP's accuracy, not this command's value, so it is left out with the reason and the GP starts
    /// cold.
    func testRunWithMetaLeavesOutKnowledgeThatMeasuredSomethingElse() throws {
        try temporary.write("space.yaml", "learning_rate: {type: float, low: 1.0e-4, high: 1.0e-1, log: true}\n")
        let result = try cli.run(["run", "--study", "external", "--space", "space.yaml", "--trials", "2", "--meta", "portfolio",
                                  "--knowledge", "builtin", "--storage", "sqlite:run.sqlite", "--json", "--", "/bin/echo", "{learning_rate}"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("meta portfolio: learning from 0 past tasks\n"
                                             + "  left out: 40 studies (aer_cps1985, aer_gsoep9402, cardata_chile, …) measured accuracy of mlp (27 epochs), not value\n"
                                             + "  nothing to learn from: Gaussian-process BO on this task's trials from the start"), result.stderr)
        let values = result.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["value"] as? Double
        }
        XCTAssertEqual(values.count, 2)
        XCTAssertTrue(values.allSatisfy { $0 >= 1e-4 && $0 <= 0.1 }, "\(values)")
    }

    /// The reproduction: three past `run` studies of the same script and space on three
    /// data sets, in one SQLite file, without meta-features; a new data set with `--meta auto`
    /// (and portfolio, knn, rgpe, mapping) learns from all three, and its first trial is already
    /// near the optimum the three share. `--exclude` leaves a study out.
    func testPastRunStudiesWithoutMetaFeaturesAreKnowledgeForANewDataSet() throws {
        // A "training script" whose best lr is near 10^(-2 + shift) and best l2 near 0.3 on every data set.
        try temporary.write("train.py", """
        import argparse, math
        p = argparse.ArgumentParser()
        p.add_argument("--data"); p.add_argument("--lr", type=float); p.add_argument("--l2", type=float)
        a = p.parse_args()
        shift = {"a.csv": 0.0, "b.csv": 0.2, "c.csv": -0.2, "new.csv": 0.1}[a.data]
        print(1 - (math.log10(a.lr) + 2 - shift) ** 2 / 9 - (a.l2 - 0.3) ** 2)
        """)
        try temporary.write("space.yaml", """
        lr: {type: float, low: 1.0e-5, high: 1.0, log: true}
        l2: {type: float, low: 0.0, high: 1.0}
        """)
        func run(_ data: String, _ extra: [String]) throws -> CLI.Result {
            try cli.run(["run", "--study", "logreg-\(data)", "--space", "space.yaml", "--storage", "sqlite:past.sqlite", "--json",
                         "--direction", "maximize", "--task", data]
                        + extra + ["--", "python3", "train.py", "--data", data, "--lr", "{lr}", "--l2", "{l2}"])
        }
        for data in ["a.csv", "b.csv", "c.csv"] {
            let past = try run(data, ["--trials", "25", "--sampler", "random", "--quiet"])
            XCTAssertEqual(past.status, 0, past.stderr)
        }
        let auto = try run("new.csv", ["--trials", "1", "--meta", "auto", "--knowledge", "sqlite:past.sqlite"])
        XCTAssertEqual(auto.status, 0, auto.stderr)
        XCTAssertTrue(auto.stderr.contains("meta auto: learning from 3 past tasks (a.csv, b.csv, c.csv), "
                                           + "sharing 2 of 2 parameters (lr, l2) and measuring value; no meta-features for this task: "
                                           + "similarity comes from how past tasks rank this task's trials"), auto.stderr)
        let first = try XCTUnwrap(auto.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["value"] as? Double
        }.first)
        XCTAssertGreaterThan(first, 0.9, "the first trial starts where the past data sets were best")
        for method in ["portfolio", "knn", "rgpe", "mapping"] {
            let other = try cli.run(["run", "--study", "new-\(method)", "--space", "space.yaml", "--storage", "memory:", "--trials", "1",
                                     "--direction", "maximize", "--task", "new.csv", "--meta", method, "--knowledge", "sqlite:past.sqlite",
                                     "--", "python3", "train.py", "--data", "new.csv", "--lr", "{lr}", "--l2", "{l2}"])
            XCTAssertEqual(other.status, 0, other.stderr)
            XCTAssertTrue(other.stderr.contains("meta \(method): learning from 3 past tasks (a.csv, b.csv, c.csv)"), "\(method): \(other.stderr)")
        }
        let excluded = try run("new.csv", ["--trials", "2", "--meta", "auto", "--knowledge", "sqlite:past.sqlite", "--exclude", "b.csv"])
        XCTAssertTrue(excluded.stderr.contains("learning from 2 past tasks (a.csv, c.csv)"), excluded.stderr)
        // The default knowledge is the study's own storage: the three past studies, never the new task itself.
        let own = try run("new.csv", ["--trials", "3", "--meta", "portfolio"])
        XCTAssertTrue(own.stderr.contains("learning from 3 past tasks (a.csv, b.csv, c.csv)"), own.stderr)
    }

    /// A malformed task stops the collection, before any training, with its file's name; what was
    /// collected before stays.
    func testBadInputGivesOneClearLineAndKeepsWhatWasCollected() throws {
        try FileManager.default.createDirectory(at: temporary.url.appendingPathComponent("tasks"), withIntermediateDirectories: true)
        try writeTask("tasks/a_good.csv", shift: 1)
        let collect = ["meta", "collect", "--tasks", "tasks", "--epochs", "1", "--storage", "sqlite:kb.sqlite", "--quiet", "--concurrency", "2"]
        XCTAssertEqual(try cli.run(collect + ["--configs", "2"]).status, 0)
        try writeTask("tasks/c_good.csv", shift: 2)
        try temporary.write("tasks/b_bad.csv", "f0,label\n1,0\nnot-a-number,1\n")
        let result = try cli.run(collect + ["--configs", "3"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("b_bad.csv"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        let kept = try cli.run(["study", "show", "meta:mlp:a_good", "--storage", "sqlite:kb.sqlite"])
        XCTAssertEqual(kept.status, 0, kept.stderr)
        XCTAssertTrue(kept.stdout.contains("2 complete"), kept.stdout)
        let untouched = try cli.run(["study", "show", "meta:mlp:c_good", "--storage", "sqlite:kb.sqlite"])
        XCTAssertTrue(untouched.stderr.contains("no study named 'meta:mlp:c_good'"), "nothing trained after the bad file: \(untouched.stderr)")
        try temporary.write("broken.json", "{\"format\": \"metatune-knowledge-1\", \"pool\": 3}")
        let bench = try cli.run(["meta", "bench", "--leave-one-out", "broken.json"])
        XCTAssertEqual(bench.status, 1)
        XCTAssertTrue(bench.stderr.contains("not a MetaTune knowledge base"), bench.stderr)
        let tune = try cli.run(["tune", "--data", "tasks/a_good.csv", "--model", "mlp", "--meta", "auto", "--knowledge", "broken.json",
                                "--trials", "1", "--storage", "memory:"])
        XCTAssertEqual(tune.status, 1)
        XCTAssertEqual(tune.stderr.split(separator: "\n").count, 1, tune.stderr)
    }
}
