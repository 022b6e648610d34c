import Foundation
import XCTest
@testable import MetaTuneText

/// A tiny BERT (hidden 4, one block of 2 heads, the test tokenizer's 20 pieces) with seeded
/// random weights, written as config.json + model.safetensors + tokenizer.json.
final class SentenceEncoderTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("bert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try WordPieceTokenizerTests.fileJSON().write(to: folder.appendingPathComponent("tokenizer.json"))
        try Self.config().write(to: folder.appendingPathComponent("config.json"))
        try Self.weights().write(to: folder.appendingPathComponent("model.safetensors"))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    static func config(activation: String = "gelu", hidden: Int = 4) -> Data {
        Data("""
        {"hidden_size": \(hidden), "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8, "max_position_embeddings": 16,
         "layer_norm_eps": 1e-12, "hidden_act": "\(activation)", "type_vocab_size": 2, "vocab_size": 20}
        """.utf8)
    }

    /// Every tensor the encoder reads, in the files' [out, in] layout, values from a fixed sequence.
    static func weights() -> Data {
        var shapes: [(String, [Int])] = [("embeddings.word_embeddings.weight", [20, 4]), ("embeddings.position_embeddings.weight", [16, 4]),
                                         ("embeddings.token_type_embeddings.weight", [2, 4]), ("embeddings.LayerNorm.weight", [4]),
                                         ("embeddings.LayerNorm.bias", [4])]
        let layer = "encoder.layer.0."
        for name in ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"] {
            shapes += [(layer + name + ".weight", [4, 4]), (layer + name + ".bias", [4])]
        }
        shapes += [(layer + "attention.output.LayerNorm.weight", [4]), (layer + "attention.output.LayerNorm.bias", [4]),
                   (layer + "intermediate.dense.weight", [8, 4]), (layer + "intermediate.dense.bias", [8]),
                   (layer + "output.dense.weight", [4, 8]), (layer + "output.dense.bias", [4]),
                   (layer + "output.LayerNorm.weight", [4]), (layer + "output.LayerNorm.bias", [4])]
        var header: [String] = [], data: [UInt8] = [], state: UInt64 = 12345
        for (name, shape) in shapes {
            let count = shape.reduce(1, *)
            let values: [Float] = (0..<count).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float(Double(state >> 40) / Double(1 << 24) - 0.5)
            }
            header.append("\"\(name)\": {\"dtype\": \"F32\", \"shape\": \(shape), \"data_offsets\": [\(data.count), \(data.count + 4 * count)]}")
            data += values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian) { Array($0) } }
        }
        let json = "{" + header.joined(separator: ", ") + "}"
        return Data(withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { Array($0) } + Array(json.utf8) + data)
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

    func testModelsThatDoNotFitAreRefusedClearly() throws {
        try Self.config(activation: "relu").write(to: folder.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try BertEncoder(folder: PretrainedModelFolder(url: folder))) { XCTAssertTrue("\($0)".contains("GELU"), "\($0)") }
        try Self.config(hidden: 6).write(to: folder.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try BertEncoder(folder: PretrainedModelFolder(url: folder))) { XCTAssertTrue("\($0)".contains("expected from config.json"), "\($0)") }
        XCTAssertThrowsError(try PretrainedModelFolder.resolve("no-such-model-or-folder")) { XCTAssertTrue("\($0)".contains("neither a known model"), "\($0)") }
        XCTAssertThrowsError(try PretrainedModelFolder.resolve("minilm", environment: ["METATUNE_TEXT_CACHE": folder.path + "/empty"])) {
            XCTAssertTrue("\($0)".contains("make text-data"), "\($0)")
        }
    }
}
