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
    /// length (`inBatches`); `progress` gets the number of texts done.
    public func embed(_ texts: [String], normalize: Bool = true, batchSize: Int = 32, progress: ((Int) -> Void)? = nil) throws -> [[Float]] {
        let ids = texts.map { tokenizer.encode($0, maximumLength: maximumLength) }
        var embeddings = [[Float]](repeating: [], count: texts.count)
        try inBatches(of: ids, batchSize: batchSize, progress: progress, encode: { batch in
            let (states, length, mask) = try encoder.hiddenStates(batch.map { ids[$0] }, paddingID: tokenizer.paddingID)
            return states.sequenceMeans(length: length, mask: mask)
        }, collect: { batch, pooled in
            let width = pooled.shape[1]
            for (row, index) in batch.enumerated() {
                var vector = Array(pooled.data[(row * width)..<((row + 1) * width)])
                if normalize {
                    let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    if norm > 0 { vector = vector.map { $0 / norm } }
                }
                embeddings[index] = vector
            }
        })
        return embeddings
    }

    /// Runs `encode` (without recording a graph) on batches of `batchSize` of the token-id
    /// sequences `ids` — the longest first, so that each batch holds sequences of similar length
    /// and pads little — and hands each batch's indices and result to `collect`, in order. With
    /// more than one engine thread, that many batches run side by side, each on one thread: for
    /// batches of this size that encodes more texts per second than splitting every op.
    func inBatches<Result>(of ids: [[Int]], batchSize: Int, progress: ((Int) -> Void)?,
                           encode: ([Int]) throws -> Result, collect: ([Int], Result) -> Void) throws {
        let order = ids.indices.sorted { ids[$0].count > ids[$1].count }
        let size = max(1, batchSize)
        let batches = stride(from: 0, to: order.count, by: size).map { Array(order[$0..<min($0 + size, order.count)]) }
        var done = 0
        for round in stride(from: 0, to: batches.count, by: Engine.threads) {
            let pieces = Array(batches[round..<min(round + Engine.threads, batches.count)])
            let results = try Engine.sideBySide(pieces.count) { piece in try Tensor.withoutRecording { try encode(pieces[piece]) } }
            for (batch, result) in zip(pieces, results) {
                collect(batch, result)
                done += batch.count
            }
            progress?(done)
        }
    }
}
