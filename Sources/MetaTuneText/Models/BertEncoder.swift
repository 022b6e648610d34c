import Foundation
import Neural

/// The shape of a BERT-family encoder, read from a model's `config.json`.
public struct BertConfiguration: Codable, Sendable, Equatable {
    public var hiddenSize: Int
    public var layers: Int
    public var heads: Int
    public var intermediateSize: Int
    public var maximumPositions: Int
    public var layerNormEpsilon: Float
    public var hiddenActivation: String
    public var tokenTypes: Int
    public var vocabularySize: Int

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", layers = "num_hidden_layers", heads = "num_attention_heads",
             intermediateSize = "intermediate_size", maximumPositions = "max_position_embeddings",
             layerNormEpsilon = "layer_norm_eps", hiddenActivation = "hidden_act", tokenTypes = "type_vocab_size",
             vocabularySize = "vocab_size"
    }

    /// Reads `config.json`, refusing shapes the encoder cannot run.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw TextModelError("cannot read \(url.path): \(error.localizedDescription)") }
        do { self = try JSONDecoder().decode(BertConfiguration.self, from: data) } catch {
            throw TextModelError("\(url.lastPathComponent) is not a BERT configuration: \(error)")
        }
        guard hiddenActivation == "gelu" else { throw TextModelError("only the exact GELU activation is supported, not '\(hiddenActivation)'") }
        guard [hiddenSize, layers, heads, intermediateSize, maximumPositions, tokenTypes, vocabularySize].allSatisfy({ $0 > 0 }),
              hiddenSize % heads == 0, layerNormEpsilon > 0 else {
            throw TextModelError("\(url.lastPathComponent) describes an encoder that cannot exist (sizes must be positive, the hidden size a multiple of the heads)")
        }
    }
}

/// Why a pretrained text model could not be loaded or run.
public struct TextModelError: Error, CustomStringConvertible, Equatable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A BERT-family Transformer encoder (post-layer-norm, exact GELU) with pretrained weights, on
/// the Neural engine: token, position and token-type embeddings, then self-attention blocks.
/// Linear weights are kept as [in, out] (the files store [out, in]).
public final class BertEncoder {
    public let configuration: BertConfiguration
    public let wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings, embeddingNormScale, embeddingNormShift: Tensor
    public let blocks: [TransformerBlock]

    /// Loads `config.json` and `model.safetensors` of `folder` (tensor names as Hugging Face's
    /// BertModel saves them, with or without a `bert.` prefix).
    public init(folder: PretrainedModelFolder) throws {
        let configuration = try BertConfiguration(contentsOf: folder.configFile)
        self.configuration = configuration
        let weights = try SafeTensorsFile(contentsOf: folder.weightsFile)
        let prefix = weights.entries["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        let (hidden, inner) = (configuration.hiddenSize, configuration.intermediateSize)
        func load(_ name: String, _ shape: [Int], transpose: Bool = false) throws -> Tensor {
            let (stored, values) = try weights.floats(prefix + name)
            let expected = transpose ? [shape[1], shape[0]] : shape
            guard stored == expected else { throw TextModelError("'\(prefix + name)' has shape \(stored), \(expected) expected from config.json") }
            guard transpose else { return Tensor(shape: shape, data: values, requiresGrad: true) }
            var out = [Float](repeating: 0, count: values.count)
            let (rows, columns) = (stored[0], stored[1])
            for r in 0..<rows { for c in 0..<columns { out[c * rows + r] = values[r * columns + c] } }
            return Tensor(shape: shape, data: out, requiresGrad: true)
        }
        wordEmbeddings = try load("embeddings.word_embeddings.weight", [configuration.vocabularySize, hidden])
        positionEmbeddings = try load("embeddings.position_embeddings.weight", [configuration.maximumPositions, hidden])
        tokenTypeEmbeddings = try load("embeddings.token_type_embeddings.weight", [configuration.tokenTypes, hidden])
        embeddingNormScale = try load("embeddings.LayerNorm.weight", [hidden])
        embeddingNormShift = try load("embeddings.LayerNorm.bias", [hidden])
        blocks = try (0..<configuration.layers).map { index in
            let layer = "encoder.layer.\(index)."
            let names = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"]
            var tensors: [Tensor] = []
            for name in names {
                tensors.append(try load(layer + name + ".weight", [hidden, hidden], transpose: true))
                tensors.append(try load(layer + name + ".bias", [hidden]))
            }
            tensors.append(try load(layer + "attention.output.LayerNorm.weight", [hidden]))
            tensors.append(try load(layer + "attention.output.LayerNorm.bias", [hidden]))
            tensors.append(try load(layer + "intermediate.dense.weight", [hidden, inner], transpose: true))
            tensors.append(try load(layer + "intermediate.dense.bias", [inner]))
            tensors.append(try load(layer + "output.dense.weight", [inner, hidden], transpose: true))
            tensors.append(try load(layer + "output.dense.bias", [hidden]))
            tensors.append(try load(layer + "output.LayerNorm.weight", [hidden]))
            tensors.append(try load(layer + "output.LayerNorm.bias", [hidden]))
            return TransformerBlock(tensors)
        }
    }

    /// The hidden states of a batch of token-id sequences, padded (with `paddingID`) to the
    /// longest: [batch · length, hidden], with the length and which positions are real tokens.
    /// `throughBlock` stops after that many blocks (default: all of them).
    public func hiddenStates(_ sequences: [[Int]], paddingID: Int, throughBlock: Int? = nil) throws -> (states: Tensor, length: Int, mask: [Bool]) {
        guard let length = sequences.map(\.count).max(), length > 0 else { throw TextModelError("nothing to encode") }
        guard length <= configuration.maximumPositions else {
            throw TextModelError("a sequence of \(length) tokens is longer than the model's \(configuration.maximumPositions) positions")
        }
        var ids: [Int] = [], positions: [Int] = [], mask: [Bool] = []
        for sequence in sequences {
            guard sequence.allSatisfy({ (0..<configuration.vocabularySize).contains($0) }) else {
                throw TextModelError("a token id lies outside the model's vocabulary of \(configuration.vocabularySize)")
            }
            ids += sequence + [Int](repeating: paddingID, count: length - sequence.count)
            positions += Array(0..<length)
            mask += [Bool](repeating: true, count: sequence.count) + [Bool](repeating: false, count: length - sequence.count)
        }
        var states = (wordEmbeddings.rows(ids) + positionEmbeddings.rows(positions) + tokenTypeEmbeddings.rows([Int](repeating: 0, count: ids.count)))
            .layerNormalized(gamma: embeddingNormScale, beta: embeddingNormShift, epsilon: configuration.layerNormEpsilon)
        for block in blocks.prefix(max(0, throughBlock ?? blocks.count)) { states = apply(block, to: states, length: length, mask: mask) }
        return (states, length, mask)
    }

    /// One block of this encoder (its heads and layer-norm ε) applied to `states`.
    public func apply(_ block: TransformerBlock, to states: Tensor, length: Int, mask: [Bool]) -> Tensor {
        block.apply(to: states, heads: configuration.heads, length: length, mask: mask, epsilon: configuration.layerNormEpsilon)
    }
}
