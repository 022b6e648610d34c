import Foundation
import Neural

/// A sentence encoder as sentence-transformers builds one: a tokenizer, a BERT encoder, mean
/// pooling over the real tokens and (optionally) unit length — `encode(…, normalize_embeddings=True)`.
public final class SentenceEncoder {
    public let tokenizer: WordPieceTokenizer
    public let encoder: BertEncoder
    /// Tokens per text at most ([CLS] and [SEP] included).
    public var maximumLength: Int

    /// Loads the model in `folder`; texts are cut to `maximumLength` tokens (default: 128, or
    /// the model's positions if fewer).
    public init(folder: PretrainedModelFolder, maximumLength: Int? = nil) throws {
        tokenizer = try folder.tokenizer()
        encoder = try BertEncoder(folder: folder)
        let maximumLength = maximumLength ?? min(128, encoder.configuration.maximumPositions)
        guard maximumLength >= 2, maximumLength <= encoder.configuration.maximumPositions else {
            throw TextModelError("the maximum length must be from 2 to \(encoder.configuration.maximumPositions), not \(maximumLength)")
        }
        let largest = tokenizer.vocabulary.values.max() ?? 0
        guard largest < encoder.configuration.vocabularySize else {
            throw TextModelError("the tokenizer's ids reach \(largest), beyond the encoder's vocabulary of \(encoder.configuration.vocabularySize)")
        }
        self.maximumLength = maximumLength
    }

    /// One embedding per text (no gradients recorded), in batches of `batchSize` texts of similar
    /// length; `progress` gets the number of texts done.
    public func embed(_ texts: [String], normalize: Bool = true, batchSize: Int = 32, progress: ((Int) -> Void)? = nil) throws -> [[Float]] {
        let ids = texts.map { tokenizer.encode($0, maximumLength: maximumLength) }
        let order = ids.indices.sorted { ids[$0].count > ids[$1].count }
        var embeddings = [[Float]](repeating: [], count: texts.count)
        var done = 0
        for start in stride(from: 0, to: order.count, by: max(1, batchSize)) {
            let batch = Array(order[start..<min(start + max(1, batchSize), order.count)])
            let pooled = try Tensor.withoutRecording { () -> Tensor in
                let (states, length, mask) = try encoder.hiddenStates(batch.map { ids[$0] }, paddingID: tokenizer.paddingID)
                return states.sequenceMeans(length: length, mask: mask)
            }
            let width = pooled.shape[1]
            for (row, index) in batch.enumerated() {
                var vector = Array(pooled.data[(row * width)..<((row + 1) * width)])
                if normalize {
                    let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    if norm > 0 { vector = vector.map { $0 / norm } }
                }
                embeddings[index] = vector
            }
            done += batch.count
            progress?(done)
        }
        return embeddings
    }
}
