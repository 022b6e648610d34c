import MetaTuneNumerics

/// A pretrained Transformer encoder's outputs cached once per text, so that training a head —
/// or fine-tuning the top blocks — never runs the frozen lower blocks again. Each row is
/// `[real length, pooled output (hidden), hidden states after the lower blocks (length · hidden)]`;
/// the states part is left out (`length` 0) when no block above the cache is kept.
public struct EncoderCache: Sendable {
    /// The width of a hidden state.
    public let hidden: Int
    /// Positions per cached sequence (0: only the pooled output is cached).
    public let length: Int
    /// The tokens each text was cut to before encoding ([CLS] and [SEP] included).
    public let tokensPerText: Int
    /// Attention heads of the blocks above the cache.
    public let heads: Int
    /// Layer-norm ε of those blocks.
    public let epsilon: Float
    /// The pretrained blocks above the cached states, lowest first.
    public let blocksAbove: [TransformerBlockValues]

    public init(hidden: Int, length: Int, heads: Int, epsilon: Float, blocksAbove: [TransformerBlockValues]) {
        self.hidden = hidden
        self.length = blocksAbove.isEmpty ? 0 : length
        tokensPerText = length
        self.heads = heads
        self.epsilon = epsilon
        self.blocksAbove = blocksAbove
    }

    /// The numbers of one cached row.
    public var rowWidth: Int { 1 + hidden + length * hidden }

    /// One text's row: its real token count, the final pooled output, and (when blocks above the
    /// cache are kept) its states after the lower blocks, zero-padded to `length` positions.
    public func row(realLength: Int, pooled: ArraySlice<Float>, states: ArraySlice<Float>) -> [Float] {
        var row = [Float](repeating: 0, count: rowWidth)
        row[0] = Float(realLength)
        for (offset, value) in pooled.prefix(hidden).enumerated() { row[1 + offset] = value }
        if length > 0 {
            for (offset, value) in states.prefix(length * hidden).enumerated() { row[1 + hidden + offset] = value }
        }
        return row
    }
}

/// The pooled sentence representation from cached encoder rows (`EncoderCache`): with no block
/// fine-tuned, the cached pooled output; with `k`, the frozen blocks above the cache run without
/// recording, then the top `k` blocks — trainable copies of the pretrained ones — and the mean of
/// the real positions. Input [n, rowWidth], output [n, hidden]. Each batch is cut to its longest
/// real sequence (padding is never attended to, so this changes nothing); evaluation runs in
/// chunks of 32 texts without a graph.
public final class EncoderTop: Layer {
    public let cache: EncoderCache
    private let frozen: [TransformerBlock]
    private let trainable: [TransformerBlock]

    /// Fine-tunes the top `fineTuned` of the blocks above the cache; refuses a count outside
    /// 0...their number.
    public init(cache: EncoderCache, fineTuned: Int) throws {
        guard (0...cache.blocksAbove.count).contains(fineTuned) else {
            throw TrainingError(description: "fine-tuned blocks must be 0...\(cache.blocksAbove.count) (the blocks cached above the encoder states), got \(fineTuned)")
        }
        self.cache = cache
        let kept = fineTuned == 0 ? [] : cache.blocksAbove
        frozen = kept.dropLast(fineTuned).map { $0.block(requiresGrad: false) }
        trainable = kept.suffix(fineTuned).map { $0.block(requiresGrad: true) }
    }

    public var parameters: [Tensor] { trainable.flatMap(\.parameters) }

    public func forward(_ input: Tensor, _ context: inout ForwardContext) -> Tensor {
        pooled(input, trainable: trainable, training: context.training)
    }

    public func forward(_ input: Tensor, parameters: ArraySlice<Tensor>, _ context: inout ForwardContext) -> Tensor {
        pooled(input, trainable: TransformerBlock.blocks(from: parameters), training: context.training)
    }

    private func pooled(_ input: Tensor, trainable: [TransformerBlock], training: Bool) -> Tensor {
        let rows = input.shape.first ?? 0, width = cache.rowWidth
        precondition(input.count == rows * width, "encoder-top rows must have \(width) numbers")
        guard !trainable.isEmpty else { return pooledColumns(input, rows: 0..<rows) }
        if training { return run(input, rows: 0..<rows, trainable: trainable) }
        return evaluatedInChunks(input, outputWidth: cache.hidden) { run(input, rows: $0, trainable: trainable) }
    }

    /// The cached pooled outputs of `rows`.
    private func pooledColumns(_ input: Tensor, rows: Range<Int>) -> Tensor {
        let (width, hidden) = (cache.rowWidth, cache.hidden)
        var out = [Float](repeating: 0, count: rows.count * hidden)
        for (position, row) in rows.enumerated() {
            for j in 0..<hidden { out[position * hidden + j] = input.data[row * width + 1 + j] }
        }
        return Tensor(shape: [rows.count, hidden], data: out)
    }

    /// The blocks above the cache on `rows`, then the mean over each text's real positions.
    private func run(_ input: Tensor, rows: Range<Int>, trainable: [TransformerBlock]) -> Tensor {
        let (width, hidden) = (cache.rowWidth, cache.hidden)
        let lengths = rows.map { min(max(Int(input.data[$0 * width]), 1), cache.length) }
        let length = lengths.max() ?? 1
        var states = [Float](repeating: 0, count: rows.count * length * hidden)
        var mask = [Bool](repeating: false, count: rows.count * length)
        input.data.withUnsafeBufferPointer { all in
            for (position, row) in rows.enumerated() {
                let source = row * width + 1 + hidden, target = position * length * hidden
                for j in 0..<(length * hidden) { states[target + j] = all[source + j] }
                for t in 0..<lengths[position] { mask[position * length + t] = true }
            }
        }
        var x = Tensor(shape: [rows.count * length, hidden], data: states)
        x = Tensor.withoutRecording { () -> Tensor in
            var y = x
            for block in frozen { y = block.apply(to: y, heads: cache.heads, length: length, mask: mask, epsilon: cache.epsilon) }
            return y
        }
        for block in trainable { x = block.apply(to: x, heads: cache.heads, length: length, mask: mask, epsilon: cache.epsilon) }
        return x.sequenceMeans(length: length, mask: mask)
    }
}

extension Architectures {
    /// A classifier on a pretrained encoder's cached outputs: the pooled representation
    /// (`EncoderTop`, its top `fineTuned` blocks trained), dropout, then a dense layer of `classes` logits.
    /// Throws when `fineTuned` is not 0...the cached blocks above the states.
    public static func encoderTop(cache: EncoderCache, fineTuned: Int, classes: Int, dropout: Float, seed: UInt64) throws -> Sequential {
        var generator = SeededGenerator(seeds: [seed, stableHash("encoder-top-init")])
        var layers: [Layer] = [try EncoderTop(cache: cache, fineTuned: fineTuned)]
        if dropout > 0 { layers.append(DropoutLayer(rate: dropout)) }
        layers.append(Dense(cache.hidden, classes, initializer: .glorot, generator: &generator))
        return Sequential(layers)
    }
}
