import MetaTuneNumerics

/// A small Transformer encoder trained from scratch on token ids: token plus learned position
/// embeddings, layer-normalised (and dropped out in training), `depth` post-layer-norm blocks
/// (`TransformerBlock`, feed-forward 4 × `dimension`), then the mean of the real positions.
/// Input [n, width]: token ids as in `TokenRows` (the first `maxLength` read); output
/// [n, dimension]. Padding is never attended to, so each batch is cut to its longest text.
public final class TextTransformer: Layer {
    /// [vocabulary, dimension] and [maxLength, dimension].
    public let tokens: Tensor, positions: Tensor
    /// The embedding layer norm's scale and shift, [dimension] each.
    public let normScale: Tensor, normShift: Tensor
    public let blocks: [TransformerBlock]
    public let heads: Int
    public let dropout: Float

    /// Embeddings drawn from N(0, 0.02²) as BERT's, seeded. Refuses a width the heads do not divide.
    public init(vocabulary: Int, dimension: Int, heads: Int, depth: Int, maxLength: Int, dropout: Float,
                generator: inout SeededGenerator) throws {
        guard vocabulary >= 1, dimension >= 1, heads >= 1, depth >= 1, maxLength >= 1 else {
            throw TrainingError(description: "a text Transformer needs a vocabulary, a dimension, heads, depth and a length of at least 1")
        }
        guard dimension % heads == 0 else {
            throw TrainingError(description: "the dimension (\(dimension)) must be a multiple of the heads (\(heads))")
        }
        guard dropout >= 0 && dropout < 1 else { throw TrainingError(description: "dropout must be in [0, 1), got \(dropout)") }
        func normal(_ rows: Int) -> Tensor {
            Tensor(shape: [rows, dimension], data: (0..<(rows * dimension)).map { _ in Float(generator.nextStandardNormal() * 0.02) },
                   requiresGrad: true)
        }
        tokens = normal(vocabulary)
        positions = normal(maxLength)
        normScale = Tensor(shape: [dimension], data: [Float](repeating: 1, count: dimension), requiresGrad: true)
        normShift = Tensor(zeros: [dimension], requiresGrad: true)
        blocks = (0..<depth).map { _ in TransformerBlock.initialized(hidden: dimension, intermediate: 4 * dimension, generator: &generator) }
        self.heads = heads
        self.dropout = dropout
    }

    public var parameters: [Tensor] { [tokens, positions, normScale, normShift] + blocks.flatMap(\.parameters) }

    public func forward(_ input: Tensor, _ context: inout ForwardContext) -> Tensor {
        forward(input, parameters: parameters[...], &context)
    }

    public func forward(_ input: Tensor, parameters: ArraySlice<Tensor>, _ context: inout ForwardContext) -> Tensor {
        let tensors = Array(parameters)
        let blocks = TransformerBlock.blocks(from: tensors[4...])
        let rows = input.shape.first ?? 0
        if context.training {
            return encoded(input, rows: 0..<rows, embeddings: Array(tensors[0..<4]), blocks: blocks, training: true, generator: &context.generator)
        }
        var unused = context.generator
        return evaluatedInChunks(input, outputWidth: tensors[0].shape[1]) {
            encoded(input, rows: $0, embeddings: Array(tensors[0..<4]), blocks: blocks, training: false, generator: &unused)
        }
    }

    /// `embeddings`: token table, position table, norm scale, norm shift. Dropout only in training.
    private func encoded(_ input: Tensor, rows: Range<Int>, embeddings: [Tensor], blocks: [TransformerBlock], training: Bool,
                         generator: inout SeededGenerator) -> Tensor {
        let maxLength = embeddings[1].shape[0]
        let batch = TokenRows(input, rows: rows, maxLength: maxLength, vocabulary: embeddings[0].shape[0])
        let length = batch.longest
        var ids: [Int?] = [], places: [Int?] = [], mask: [Bool] = []
        for (sequence, realLength) in zip(batch.ids, batch.realLengths) {
            for position in 0..<length {
                ids.append(position < sequence.count ? sequence[position] : nil)
                places.append(position)
                mask.append(position < realLength)
            }
        }
        let epsilon: Float = 1e-5
        var x = (embeddings[0].embeddingRows(ids) + embeddings[1].embeddingRows(places))
            .layerNormalized(gamma: embeddings[2], beta: embeddings[3], epsilon: epsilon)
        if training && dropout > 0 { x = x.dropout(rate: dropout, using: &generator) }
        for block in blocks { x = block.apply(to: x, heads: heads, length: length, mask: mask, epsilon: epsilon) }
        return x.sequenceMeans(length: length, mask: mask)
    }
}

extension Architectures {
    /// A Transformer text classifier trained from scratch: `TextTransformer` (width `dimension`,
    /// `heads`, `depth` blocks, `maxLength` positions), dropout, then a dense layer of `classes` logits.
    /// Throws when the heads do not divide the dimension.
    public static func textTransformer(vocabulary: Int, classes: Int, dimension: Int, heads: Int, depth: Int, maxLength: Int,
                                       dropout: Float, seed: UInt64) throws -> Sequential {
        var generator = SeededGenerator(seeds: [seed, stableHash("text-transformer-init")])
        var layers: [Layer] = [try TextTransformer(vocabulary: vocabulary, dimension: dimension, heads: heads, depth: depth,
                                                   maxLength: maxLength, dropout: dropout, generator: &generator)]
        if dropout > 0 { layers.append(DropoutLayer(rate: dropout)) }
        layers.append(Dense(dimension, classes, initializer: .glorot, generator: &generator))
        return Sequential(layers)
    }
}
