import MetaTuneNumerics

/// The mean of the embedding rows of each input row's token ids — a bag of embeddings, as
/// fastText represents a document. Input [n, length]: ids as numbers, negative for padding (a
/// row of padding only gives zeros); only the first `maxLength` positions are read. Output
/// [n, dimension]. The gradient reaches only the rows looked up, and optimizers update only those
/// rows (`Tensor.bagMeans`; differentiable twice).
public final class EmbeddingBag: Layer {
    /// [vocabulary, dimension].
    public let table: Tensor
    public let maxLength: Int

    /// Rows drawn uniformly from ±1/√dimension, seeded.
    public init(vocabulary: Int, dimension: Int, maxLength: Int = .max, generator: inout SeededGenerator) {
        precondition(vocabulary >= 1 && dimension >= 1, "an embedding bag needs a vocabulary and a dimension")
        let bound = 1 / Double(dimension).squareRoot()
        table = Tensor(shape: [vocabulary, dimension],
                       data: (0..<(vocabulary * dimension)).map { _ in Float((generator.nextUniform() * 2 - 1) * bound) }, requiresGrad: true)
        self.maxLength = maxLength
    }

    public var parameters: [Tensor] { [table] }

    public func forward(_ input: Tensor, _ context: inout ForwardContext) -> Tensor {
        forward(input, parameters: [table][...], &context)
    }

    public func forward(_ input: Tensor, parameters: ArraySlice<Tensor>, _ context: inout ForwardContext) -> Tensor {
        let table = parameters[parameters.startIndex]
        let tokens = TokenRows(input, rows: 0..<(input.shape.first ?? 0), maxLength: maxLength, vocabulary: table.shape[0])
        var ids: [Int] = [], starts: [Int] = []
        ids.reserveCapacity(input.count)
        for sequence in tokens.ids {
            starts.append(ids.count)
            ids += sequence.compactMap { $0 }
        }
        return table.bagMeans(ids: ids, starts: starts)
    }
}

extension Architectures {
    /// fastText's classifier: the mean of the document's token embeddings (`dimension` each; the
    /// first `maxLength` tokens), dropout, then a dense layer of `classes` logits.
    public static func textBow(vocabulary: Int, classes: Int, dimension: Int, maxLength: Int = .max, dropout: Float, seed: UInt64) -> Sequential {
        var generator = SeededGenerator(seeds: [seed, stableHash("text-bow-init")])
        var layers: [Layer] = [EmbeddingBag(vocabulary: vocabulary, dimension: dimension, maxLength: maxLength, generator: &generator)]
        if dropout > 0 { layers.append(DropoutLayer(rate: dropout)) }
        layers.append(Dense(dimension, classes, initializer: .glorot, generator: &generator))
        return Sequential(layers)
    }
}
