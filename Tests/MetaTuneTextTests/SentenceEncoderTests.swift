import Foundation
import XCTest
@testable import MetaTuneText
import Neural
import TestSupport

/// A tiny BERT (hidden 4, one block of 2 heads, the test tokenizer's 20 pieces) with seeded
/// random weights, written as config.json + model.safetensors + tokenizer.json.
final class SentenceEncoderTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("bert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try TinyTextModel.write(to: folder)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testEmbeddingsHaveUnitLengthAndIgnorePadding() throws {
        let encoder = try SentenceEncoder(folder: PretrainedModelFolder(url: folder))
        let alone = try encoder.embed(["hello"])
        let batched = try encoder.embed(["hello world, hello world!", "hello"], batchSize: 2)
        XCTAssertEqual(alone[0].count, 4)
        XCTAssertEqual(alone[0].reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-5)
        // Padded to the longer text's length in one batch, the short text's embedding is the same.
        for (a, b) in zip(alone[0], batched[1]) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        XCTAssertNotEqual(batched[0], batched[1])
        // The order of the results is the order of the texts, whatever the batching.
        XCTAssertEqual(try encoder.embed(["hello", "hello world, hello world!"], batchSize: 1)[1], try encoder.embed(["hello world, hello world!"])[0])
    }

    func testBatchesSideBySideGiveTheSameNumbersInTextOrder() throws {
        let encoder = try SentenceEncoder(folder: PretrainedModelFolder(url: folder))
        let texts = (0..<11).map { index in Array(repeating: index % 3 == 0 ? "hello world," : "cafe", count: 1 + index % 4).joined(separator: " ") }
        let dataset = TextDataset(texts: texts, labels: texts.indices.map { $0 % 2 }, classNames: ["a", "b"])
        let oneThread = try encoder.embed(texts, batchSize: 2)
        let oneThreadRows = try encoder.cachedRows(of: dataset, fineTunable: 1, batchSize: 2).rows.features
        Engine.threads = 2
        defer { Engine.threads = 1 }
        // Six batches of two (the last of one) in rounds of two batches side by side.
        var reported: [Int] = []
        let twoThreads = try encoder.embed(texts, batchSize: 2) { reported.append($0) }
        XCTAssertEqual(reported, [4, 8, 11])
        for (a, b) in zip(twoThreads.joined(), oneThread.joined()) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        XCTAssertEqual(twoThreads.count, 11)
        let twoThreadRows = try encoder.cachedRows(of: dataset, fineTunable: 1, batchSize: 2).rows.features
        XCTAssertEqual(twoThreadRows.count, oneThreadRows.count)
        for (a, b) in zip(twoThreadRows, oneThreadRows) { XCTAssertEqual(a, b, accuracy: 1e-6) }
    }

    func testModelsThatDoNotFitAreRefusedClearly() throws {
        try TinyTextModel.config(activation: "relu").write(to: folder.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try BertEncoder(folder: PretrainedModelFolder(url: folder))) { XCTAssertTrue("\($0)".contains("GELU"), "\($0)") }
        try TinyTextModel.config(hidden: 6).write(to: folder.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try BertEncoder(folder: PretrainedModelFolder(url: folder))) { XCTAssertTrue("\($0)".contains("expected from config.json"), "\($0)") }
        XCTAssertThrowsError(try PretrainedModelFolder.resolve("no-such-model-or-folder")) { XCTAssertTrue("\($0)".contains("neither a known model"), "\($0)") }
        XCTAssertThrowsError(try PretrainedModelFolder.resolve("minilm", environment: ["METATUNE_TEXT_CACHE": folder.path + "/empty"])) {
            XCTAssertTrue("\($0)".contains("make text-data"), "\($0)")
        }
    }
}
