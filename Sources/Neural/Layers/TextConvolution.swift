import MetaTuneNumerics

/// A text's token embeddings convolved in one dimension, as Kim's sentence CNN has them: each
/// window of `kernel` consecutive tokens (embeddings of `dimension`, concatenated) goes through a
/// dense map to `filters` features, then ReLU and the maximum over the windows of the text.
/// Input [n, width]: token ids as in `TokenRows` (the first `maxLength` read); output [n, filters].
/// Windows start only where the text has tokens (a text shorter than the kernel has one window,
/// padded with zero embeddings); each batch is cut to its longest text.
public final class TextConvolution: Layer {
    /// [vocabulary, dimension].
    public let table: Tensor
    /// [kernel · dimension, filters] and [filters].
    public let weight: Tensor, bias: Tensor
    public let kernel: Int
    public let maxLength: Int

    /// Embeddings drawn uniformly from ±1/√dimension, the convolution He-initialised, seeded.
    public init(vocabulary: Int, dimension: Int, filters: Int, kernel: Int, maxLength: Int, generator: inout SeededGenerator) throws {
        guard vocabulary >= 1, dimension >= 1, filters >= 1, kernel >= 1, maxLength >= 1 else {
            throw TrainingError(description: "a text convolution needs a vocabulary, a dimension, filters, a kernel and a length of at least 1")
        }
        let embeddingBound = 1 / Double(dimension).squareRoot()
        table = Tensor(shape: [vocabulary, dimension], data: (0..<(vocabulary * dimension)).map { _ in
            Float((generator.nextUniform() * 2 - 1) * embeddingBound)
        }, requiresGrad: true)
        let fanIn = kernel * dimension, deviation = (2 / Double(fanIn)).squareRoot()
        weight = Tensor(shape: [fanIn, filters], data: (0..<(fanIn * filters)).map { _ in Float(generator.nextStandardNormal() * deviation) },
                        requiresGrad: true)
        bias = Tensor(zeros: [filters], requiresGrad: true)
        self.kernel = kernel
        self.maxLength = maxLength
    }

    public var parameters: [Tensor] { [table, weight, bias] }

    public func forward(_ input: Tensor, _ context: inout ForwardContext) -> Tensor {
        forward(input, parameters: parameters[...], &context)
    }

    public func forward(_ input: Tensor, parameters: ArraySlice<Tensor>, _ context: inout ForwardContext) -> Tensor {
        let (table, weight, bias) = (parameters[parameters.startIndex], parameters[parameters.startIndex + 1], parameters[parameters.startIndex + 2])
        let rows = input.shape.first ?? 0
        if context.training { return features(input, rows: 0..<rows, table: table, weight: weight, bias: bias) }
        return evaluatedInChunks(input, outputWidth: weight.shape[1]) { features(input, rows: $0, table: table, weight: weight, bias: bias) }
    }

    private func features(_ input: Tensor, rows: Range<Int>, table: Tensor, weight: Tensor, bias: Tensor) -> Tensor {
        let tokens = TokenRows(input, rows: rows, maxLength: maxLength, vocabulary: table.shape[0])
        let windows = max(tokens.longest - kernel + 1, 1)
        // The im2col matrix straight from the table: row (b, t) holds the embeddings of tokens t..<t+kernel.
        var ids: [Int?] = [], valid: [Bool] = []
        ids.reserveCapacity(rows.count * windows * kernel)
        for (sequence, realLength) in zip(tokens.ids, tokens.realLengths) {
            for start in 0..<windows {
                for offset in 0..<kernel { ids.append(start + offset < sequence.count ? sequence[start + offset] : nil) }
                valid.append(start < max(realLength - kernel + 1, 1))
            }
        }
        let dimension = table.shape[1]
        let columns = table.embeddingRows(ids).reshaped([rows.count * windows, kernel * dimension])
        return columns.linear(weight: weight, bias: bias).relu().sequenceMaxima(length: windows, valid: valid)
    }
}

extension Architectures {
    /// Kim's CNN for text classification: `TextConvolution` (embeddings of `dimension`, `filters`
    /// features over windows of `kernel` tokens, max over time), dropout, then a dense layer of
    /// `classes` logits.
    public static func textCNN(vocabulary: Int, classes: Int, dimension: Int, filters: Int, kernel: Int, maxLength: Int,
                               dropout: Float, seed: UInt64) throws -> Sequential {
        var generator = SeededGenerator(seeds: [seed, stableHash("text-cnn-init")])
        var layers: [Layer] = [try TextConvolution(vocabulary: vocabulary, dimension: dimension, filters: filters, kernel: kernel,
                                                   maxLength: maxLength, generator: &generator)]
        if dropout > 0 { layers.append(DropoutLayer(rate: dropout)) }
        layers.append(Dense(filters, classes, initializer: .glorot, generator: &generator))
        return Sequential(layers)
    }
}
