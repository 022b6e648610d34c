import MetaTuneNumerics

/// One post-layer-norm Transformer encoder block, as BERT has them: multi-head self-attention,
/// add and layer-normalise; a GELU feed-forward layer, add and layer-normalise. Linear weights
/// are [in, out]. It works on the hidden states of a batch of sequences, [batch · length, hidden]
/// (each sequence's rows together), with a mask of the real (non-padding) positions.
public struct TransformerBlock {
    public let query, queryBias, key, keyBias, value, valueBias: Tensor
    public let attentionOutput, attentionOutputBias, attentionNormScale, attentionNormShift: Tensor
    public let intermediate, intermediateBias, output, outputBias, outputNormScale, outputNormShift: Tensor

    /// The sixteen tensors in the order of `parameters`.
    public init(_ tensors: [Tensor]) {
        precondition(tensors.count == Self.tensorCount, "a Transformer block has \(Self.tensorCount) tensors, not \(tensors.count)")
        (query, queryBias, key, keyBias, value, valueBias) = (tensors[0], tensors[1], tensors[2], tensors[3], tensors[4], tensors[5])
        (attentionOutput, attentionOutputBias, attentionNormScale, attentionNormShift) = (tensors[6], tensors[7], tensors[8], tensors[9])
        (intermediate, intermediateBias, output, outputBias) = (tensors[10], tensors[11], tensors[12], tensors[13])
        (outputNormScale, outputNormShift) = (tensors[14], tensors[15])
    }

    /// How many tensors a block has.
    public static let tensorCount = 16

    /// The blocks whose tensors follow one another in `tensors` (`tensorCount` each, in the order
    /// of `parameters`): how a layer rebuilds its blocks from fast weights.
    static func blocks(from tensors: ArraySlice<Tensor>) -> [TransformerBlock] {
        stride(from: tensors.startIndex, to: tensors.endIndex, by: tensorCount).map { TransformerBlock(Array(tensors[$0..<($0 + tensorCount)])) }
    }

    public var parameters: [Tensor] {
        [query, queryBias, key, keyBias, value, valueBias, attentionOutput, attentionOutputBias, attentionNormScale, attentionNormShift,
         intermediate, intermediateBias, output, outputBias, outputNormScale, outputNormShift]
    }

    /// The block's output for `states` ([batch · length, hidden]); `mask[b · length + j]` says
    /// whether position j of sequence b is a real token (padding is never attended to).
    public func apply(to states: Tensor, heads: Int, length: Int, mask: [Bool], epsilon: Float) -> Tensor {
        let attended = Tensor.attention(query: states.linear(weight: query, bias: queryBias),
                                        key: states.linear(weight: key, bias: keyBias),
                                        value: states.linear(weight: value, bias: valueBias),
                                        heads: heads, length: length, keyMask: mask)
        let middle = (attended.linear(weight: attentionOutput, bias: attentionOutputBias) + states)
            .layerNormalized(gamma: attentionNormScale, beta: attentionNormShift, epsilon: epsilon)
        let fed = middle.linear(weight: intermediate, bias: intermediateBias).gelu().linear(weight: output, bias: outputBias)
        return (fed + middle).layerNormalized(gamma: outputNormScale, beta: outputNormShift, epsilon: epsilon)
    }

    /// The block's weights as values (to build trainable copies from, on any thread).
    public var values: TransformerBlockValues {
        TransformerBlockValues(tensors: parameters.map { ($0.shape, $0.data) })
    }
}

/// A Transformer block's weights as plain arrays: shareable between threads, and the source of
/// fresh trainable copies (each fine-tuning run trains its own).
public struct TransformerBlockValues: Sendable {
    /// Shape and values of each tensor, in the order of `TransformerBlock.parameters`.
    public let tensors: [(shape: [Int], data: [Float])]

    /// A block of new tensors holding these values (`requiresGrad`: trainable).
    public func block(requiresGrad: Bool) -> TransformerBlock {
        TransformerBlock(tensors.map { Tensor(shape: $0.shape, data: $0.data, requiresGrad: requiresGrad) })
    }
}

extension TransformerBlock {
    /// A fresh trainable block of width `hidden` and feed-forward width `intermediate`, as BERT
    /// initialises one: linear weights drawn from N(0, 0.02²), biases 0, layer norms the identity.
    public static func initialized(hidden: Int, intermediate: Int, generator: inout SeededGenerator) -> TransformerBlock {
        func weights(_ rows: Int, _ columns: Int) -> Tensor {
            Tensor(shape: [rows, columns], data: (0..<(rows * columns)).map { _ in Float(generator.nextStandardNormal() * 0.02) }, requiresGrad: true)
        }
        func constant(_ value: Float, _ count: Int) -> Tensor {
            Tensor(shape: [count], data: [Float](repeating: value, count: count), requiresGrad: true)
        }
        return TransformerBlock([
            weights(hidden, hidden), constant(0, hidden), weights(hidden, hidden), constant(0, hidden),
            weights(hidden, hidden), constant(0, hidden), weights(hidden, hidden), constant(0, hidden),
            constant(1, hidden), constant(0, hidden),
            weights(hidden, intermediate), constant(0, intermediate), weights(intermediate, hidden), constant(0, hidden),
            constant(1, hidden), constant(0, hidden),
        ])
    }
}
