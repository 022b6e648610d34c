import Foundation
import XCTest
import TestSupport

/// `metatune tune` end to end.
final class TuneCommandTests: CLITestCase {

    /// A small learnable CSV: two Gaussian-ish blobs per class on 4 features.
    private func writeBlobs(_ name: String) throws {
        var lines = ["f0,f1,f2,f3,label"]
        for i in 0..<120 {
            let label = i % 3
            let jitter = Double((i * 37) % 11) / 20
            lines.append("\(Double(label) + jitter),\(Double(2 - label) - jitter),\(jitter),\(Double(label * label) + jitter),\(label)")
        }
        try temporary.write(name, lines.joined(separator: "\n") + "\n")
    }

    func testTuneOnACSVPrintsJSONLinesWithLearningCurves() throws {
        try writeBlobs("blobs.csv")
        let result = try cli.run(["tune", "--data", "blobs.csv", "--model", "mlp", "--trials", "3", "--epochs", "4", "--json",
                                  "--pruner", "none"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        for line in lines {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(Set(object.keys).intersection(["number", "state", "value", "params", "duration_s"]).count, 5)
        }
        let trials = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try cli.run(["study", "export", "tune-blobs-mlp", "--format", "json"]).stdout.utf8)) as? [String: Any])
        let first = try XCTUnwrap((trials["trials"] as? [[String: Any]])?.first)
        XCTAssertEqual((first["intermediate_values"] as? [String: Any])?.count, 4, "validation accuracy after each epoch")
    }

    func testFewShotLearnersOwnHyperparametersAreTunedAndComparedOnMetaTestTasks() throws {
        let result = try cli.run(["tune", "--model", "fewshot", "--benchmark", "sinusoid", "--method", "fomaml", "--shots", "5",
                                  "--trials", "2", "--iterations", "10", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertEqual(lines.count, 3, result.stdout)
        let params = try XCTUnwrap(lines[0]?["params"] as? [String: Any])
        XCTAssertEqual(Set(params.keys), ["inner_lr", "meta_lr", "inner_steps", "meta_batch"])
        // The first trial is the protocol's defaults, so the best is never worse than them on meta-validation.
        XCTAssertEqual(params["inner_lr"] as? Double ?? 0, 0.01, accuracy: 1e-6)
        XCTAssertEqual(params["meta_lr"] as? Double ?? 0, 0.001, accuracy: 1e-7)
        XCTAssertEqual(params["inner_steps"] as? Int, 1)
        XCTAssertEqual(params["meta_batch"] as? Int, 25)
        let test = try XCTUnwrap(lines[2]?["meta_test"] as? [String: Any])
        XCTAssertEqual(test["metric"] as? String, "mse")
        XCTAssertNotNil(test["tuned"] as? Double)
        XCTAssertNotNil(test["default"] as? Double)
        let refused = try cli.run(["tune", "--model", "fewshot", "--trials", "2"])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("--benchmark"), refused.stderr)
    }

    func testBadDataGetsOneClearLine() throws {
        let cases: [(String, String, [String])] = [
            ("ragged.csv", "a,b,label\n1,2,0\n3,1\n", ["ragged.csv", "row 3"]),
            ("text.csv", "a,b,label\n1,2,0\n3,x,1\n", ["text.csv", "row 3", "column 'b'"]),
            ("nolabel.csv", "a,b,c\n1,2,0\n3,4,1\n", ["nolabel.csv", "no 'label' column"]),
            ("single.csv", "a,b,label\n1,2,0\n3,4,0\n", ["single.csv", "single class"]),
            ("empty.csv", "", ["empty.csv", "empty"]),
        ]
        for (name, text, words) in cases {
            try temporary.write(name, text)
            let result = try cli.run(["tune", "--data", name, "--model", "mlp", "--trials", "2"])
            XCTAssertNotEqual(result.status, 0, name)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            for word in words { XCTAssertTrue(result.stderr.contains(word), "'\(result.stderr)' lacks '\(word)'") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: temporary.path("metatune.sqlite")), "nothing was created")
        let both = try cli.run(["tune", "--data", "x.csv", "--dataset", "digits", "--model", "mlp", "--trials", "2"])
        XCTAssertNotEqual(both.status, 0)
        XCTAssertTrue(both.stderr.contains("exactly one of"), both.stderr)
    }

    func testRegressionWithATargetColumnMinimisesValidationMSE() throws {
        var lines = ["x0,x1,y"]
        for i in 0..<200 {
            let x0 = Double(i % 20) / 10 - 1, x1 = Double((i * 7) % 13) / 6.5 - 1
            lines.append("\(x0),\(x1),\(3 * x0 - x1)")
        }
        try temporary.write("reg.csv", lines.joined(separator: "\n") + "\n")
        let result = try cli.run(["tune", "--data", "reg.csv", "--target", "y", "--model", "mlp", "--trials", "4", "--epochs", "10",
                                  "--json", "--pruner", "none", "--sampler", "random"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let values = result.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["value"] as? Double
        }
        XCTAssertEqual(values.count, 4)
        let show = try cli.run(["study", "show", "tune-reg-mlp", "--json"])
        XCTAssertTrue(show.stdout.contains("\"direction\":\"minimize\""), show.stdout)
        let best = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try cli.run(["study", "best", "tune-reg-mlp", "--json"]).stdout.utf8)) as? [String: Any])
        XCTAssertEqual(best["value"] as? Double, values.min())
    }
}
