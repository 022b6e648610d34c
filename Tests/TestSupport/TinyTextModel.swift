import Foundation

/// A tiny BERT-family text model written as a model folder — tokenizer.json (20 pieces),
/// config.json (hidden 4, one block of 2 heads) and model.safetensors (seeded values) — for tests
/// of the tokenizer, the encoder and the text commands without the real download.
public enum TinyTextModel {
    public static let vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "hello", "world", ",", "!", "cafe",
                             "中", "a", "##b", "ab", "'", "s", "naive"]

    public static func tokenizerJSON(normalizer: String = #"{"type": "BertNormalizer", "clean_text": true, "handle_chinese_chars": true, "strip_accents": null, "lowercase": true}"#,
                         model: String? = nil) -> Data {
        let vocab = vocabulary.enumerated().map { "\"\($1)\": \($0)" }.joined(separator: ", ")
        let added = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"].enumerated()
            .map { "{\"id\": \($0), \"content\": \"\($1)\", \"special\": true, \"normalized\": false}" }.joined(separator: ", ")
        let model = model ?? (###"{"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 12, "vocab": {"###
            + vocab + "}}")
        return Data("""
        {"version": "1.0", "added_tokens": [\(added)], "normalizer": \(normalizer), "pre_tokenizer": {"type": "BertPreTokenizer"},
         "padding": {"pad_id": 0}, "model": \(model)}
        """.utf8)
    }

    public static func config(activation: String = "gelu", hidden: Int = 4) -> Data {
        Data("""
        {"hidden_size": \(hidden), "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 8, "max_position_embeddings": 16,
         "layer_norm_eps": 1e-12, "hidden_act": "\(activation)", "type_vocab_size": 2, "vocab_size": 20}
        """.utf8)
    }

    /// Every tensor the encoder reads, in the files' [out, in] layout, values from a fixed sequence.
    public static func weights() -> Data {
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

    /// Writes tokenizer.json, config.json and model.safetensors into `folder`.
    public static func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try tokenizerJSON().write(to: folder.appendingPathComponent("tokenizer.json"))
        try config().write(to: folder.appendingPathComponent("config.json"))
        try weights().write(to: folder.appendingPathComponent("model.safetensors"))
    }
}
