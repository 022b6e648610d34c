import Foundation
import XCTest
import TestSupport

/// `metatune text` and `tune --text-column` end to end, on the tiny model of `TinyTextModel`
/// placed where `make text-data` puts MiniLM (`$METATUNE_TEXT_CACHE/minilm`).
final class TextCommandTests: CLITestCase {
    private var cacheEnvironment: [String: String] { ["METATUNE_TEXT_CACHE": directory.appendingPathComponent("cache").path] }

    override func setUpWithError() throws {
        try super.setUpWithError()
        try TinyTextModel.write(to: directory.appendingPathComponent("cache/minilm"))
    }

    func testTokenizeAndEmbedPrintOneJSONArrayPerText() throws {
        try write("texts.txt", "Hello, world!\n\nunaffable\n")
        let tokens = try cli.run(["text", "tokenize", "texts.txt"], environment: cacheEnvironment)
        XCTAssertEqual(tokens.status, 0, tokens.stderr)
        XCTAssertEqual(tokens.stdout, "[2,8,10,9,11,3]\n[2,3]\n[2,5,6,7,3]\n")
        let cut = try cli.run(["text", "tokenize", "--max-length", "3", "texts.txt"], environment: cacheEnvironment)
        XCTAssertEqual(cut.stdout.split(separator: "\n").first, "[2,8,3]")
        try write("texts.csv", "text,label\n\"hello,\nworld\",a\nunaffable,b\n")
        let column = try cli.run(["text", "tokenize", "--column", "text", "texts.csv"], environment: cacheEnvironment)
        XCTAssertEqual(column.stdout, "[2,8,10,9,3]\n[2,5,6,7,3]\n", "a quoted newline stays inside its text")

        let embedded = try cli.run(["text", "embed", "--quiet", "texts.txt"], environment: cacheEnvironment)
        XCTAssertEqual(embedded.status, 0, embedded.stderr)
        let vectors = try embedded.stdout.split(separator: "\n").map { try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [Double]) }
        XCTAssertEqual(vectors.count, 3)
        for vector in vectors {
            XCTAssertEqual(vector.count, 4)
            XCTAssertEqual(vector.reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-5)
        }
    }

    func testMissingModelsAndBadInputGetOneClearLine() throws {
        try write("texts.txt", "hello\n")
        let missing = try cli.run(["text", "tokenize", "texts.txt"], environment: ["METATUNE_TEXT_CACHE": directory.appendingPathComponent("none").path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("make text-data"), missing.stderr)
        let folder = try cli.run(["text", "embed", "--model", "nowhere", "texts.txt"], environment: cacheEnvironment)
        XCTAssertTrue(folder.stderr.contains("neither a known model"), folder.stderr)
        let noFile = try cli.run(["text", "tokenize", "absent.txt"], environment: cacheEnvironment)
        XCTAssertTrue(noFile.stderr.contains("cannot read absent.txt"), noFile.stderr)
        try write("texts.csv", "body,label\nhello,a\n")
        let noColumn = try cli.run(["text", "tokenize", "--column", "text", "texts.csv"], environment: cacheEnvironment)
        XCTAssertTrue(noColumn.stderr.contains("no 'text' column"), noColumn.stderr)
        let tuneWithoutText = try cli.run(["tune", "--model", "minilm", "--dataset", "digits", "--trials", "1"], environment: cacheEnvironment)
        XCTAssertTrue(tuneWithoutText.stderr.contains("--text-column"), tuneWithoutText.stderr)
        for result in [missing, folder, noFile, noColumn, tuneWithoutText] {
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        }
    }

    func testTuneTrainsTheHeadAndFineTunesTheTopBlock() throws {
        var lines = ["text,label"]
        for i in 0..<60 { lines.append(i % 2 == 0 ? "hello world \(i % 7)!,greeting" : "\"unaffable cafe, naive\",other") }
        try write("texts.csv", lines.joined(separator: "\n") + "\n")
        // The tiny model has one block: fine-tune it in one trial, train only the head in the other.
        try write("space.yaml", "learning_rate: {type: categorical, choices: [0.01]}\nfine_tuned_layers: {type: categorical, choices: [0, 1]}\n")
        let result = try cli.run(["tune", "--data", "texts.csv", "--text-column", "text", "--model", "minilm", "--trials", "2", "--epochs", "3",
                                  "--json", "--pruner", "none", "--sampler", "grid", "--space", "space.yaml"], environment: cacheEnvironment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, 2, result.stdout)
        XCTAssertTrue(result.stdout.contains("\"fine_tuned_layers\":1") && result.stdout.contains("\"fine_tuned_layers\":0"), result.stdout)
        XCTAssertFalse(result.stdout.contains("fail"), result.stdout)
        XCTAssertTrue(result.stderr.contains("encoding texts with minilm"), result.stderr)
        // The default space reaches 2 blocks: a trial asking for 2 fails with the reason, the study goes on.
        try write("two.yaml", "learning_rate: {type: float, low: 0.001, high: 0.05, log: true}\nfine_tuned_layers: {type: categorical, choices: [2]}\n")
        let tooMany = try cli.run(["tune", "--data", "texts.csv", "--text-column", "text", "--model", "minilm", "--trials", "1", "--epochs", "1",
                                   "--space", "two.yaml", "--storage", "memory:", "--json"], environment: cacheEnvironment)
        XCTAssertTrue(tooMany.stdout.contains("fine_tuned_layers must be 0...1"), tooMany.stdout)
        let study = try cli.run(["study", "list"])
        XCTAssertTrue(study.stdout.contains("tune-texts-minilm"), study.stdout)
    }

    func testEachTextModelTrainedFromScratchLearnsFromWordsWithoutAnyDownload() throws {
        var lines = ["text,label"]
        for i in 0..<80 { lines.append(i % 2 == 0 ? "the match ended with a late goal \(i % 5),sport" : "shares fell as the market closed \(i % 5),business") }
        try write("news.csv", lines.joined(separator: "\n") + "\n")
        for model in ["text-bow", "text-cnn", "text-transformer"] {
            let result = try cli.run(["tune", "--data", "news.csv", "--text-column", "text", "--model", model, "--trials", "2", "--epochs", "8",
                                      "--json", "--pruner", "none", "--storage", "memory:"],
                                     environment: ["METATUNE_TEXT_CACHE": directory.appendingPathComponent("none").path])
            XCTAssertEqual(result.status, 0, result.stderr)
            let values = try result.stdout.split(separator: "\n").map { line -> Double in
                let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                return try XCTUnwrap(object["value"] as? Double)
            }
            XCTAssertEqual(values.count, 2, model)
            XCTAssertEqual(values.max() ?? 0, 1, accuracy: 1e-9, "\(model): two classes told apart by their words")
        }
        // Schedulers drive them as they drive the MLP: ASHA within a budget, PBT copying weights between members.
        for (model, scheduler) in [("text-transformer", ["--scheduler", "asha", "--budget", "40"]), ("text-cnn", ["--scheduler", "pbt", "--trials", "4"])] {
            let scheduled = try cli.run(["tune", "--data", "news.csv", "--text-column", "text", "--model", model, "--epochs", "4",
                                         "--storage", "memory:", "--quiet"] + scheduler)
            XCTAssertEqual(scheduled.status, 0, "\(model): \(scheduled.stderr)")
            XCTAssertTrue(scheduled.stdout.contains("best value"), scheduled.stdout)
        }
        // The opening line says what a row holds: the space's largest max_length token ids.
        try write("short.yaml", "learning_rate: {type: float, low: 1.0e-3, high: 1.0e-2, log: true}\nmax_length: {type: int, low: 4, high: 16}\n")
        let opened = try cli.run(["tune", "--data", "news.csv", "--text-column", "text", "--model", "text-cnn", "--trials", "1", "--epochs", "1",
                                  "--space", "short.yaml", "--storage", "memory:"])
        XCTAssertEqual(opened.status, 0, opened.stderr)
        XCTAssertTrue(opened.stderr.contains("Tuning a text-cnn on news:") && opened.stderr.contains("16 token ids per text"), opened.stderr)
    }
}
