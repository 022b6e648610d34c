import MetaTuneNumerics

/// The mean of the embedding rows of each input row's token ids — a bag of embeddings, as
/// fastText represents a document. Input [n, length]: ids as numbers, negative for padding (a
/// row of padding only gives zeros). Output [n, dimension]. The gradient reaches only the rows
/// looked up (a lookup, then a product with a fixed averaging matrix: differentiable twice).
public final class EmbeddingBag: Layer {
    /// [vocabulary, dimension].
    public let table: Tensor

    /// Rows drawn uniformly from ±1/√dimension, seeded.
    public init(vocabulary: Int, dimension: Int, generator: inout SeededGenerator) {
        precondition(vocabulary >= 1 && dimension >= 1, "an embedding bag needs a vocabulary and a dimension")
        let bound = 1 / Double(dimension).squareRoot()
        table = Tensor(shape: [vocabulary, dimension],
                       data: (0..<(vocabulary * dimension)).map { _ in Float((generator.nextUniform() * 2 - 1) * bound) }, requiresGrad: true)
    }

    public var parameters: [Tensor] { [table] }

    public func forward(_ input: Tensor, _ context: inout ForwardContext) -> Tensor {
        forward(input, parameters: [table][...], &context)
    }

    public func forward(_ input: Tensor, parameters: ArraySlice<Tensor>, _ context: inout ForwardContext) -> Tensor {
        let table = parameters[parameters.startIndex]
        let rows = input.shape[0], length = input.count / max(rows, 1), vocabulary = table.shape[0]
        var ids: [Int] = [], averaging: [[Float]] = []
        for row in 0..<rows {
            let bag = (0..<length).map { Int(input.data[row * length + $0]) }.filter { (0..<vocabulary).contains($0) }
            ids += bag
            averaging.append([Float](repeating: bag.isEmpty ? 0 : 1 / Float(bag.count), count: bag.count))
        }
        guard !ids.isEmpty else { return Tensor(zeros: [rows, table.shape[1]]) }
        var matrix = [Float](repeating: 0, count: rows * ids.count)
        var column = 0
        for (row, weights) in averaging.enumerated() {
            for weight in weights {
                matrix[row * ids.count + column] = weight
                column += 1
            }
        }
        return Tensor(shape: [rows, ids.count], data: matrix).matmul(table.rows(ids))
    }
}

extension Architectures {
    /// fastText's classifier: the mean of the document's token embeddings (`dimension` each),
    /// dropout, then a dense layer of `classes` logits.
    public static func textBow(vocabulary: Int, classes: Int, dimension: Int, dropout: Float, seed: UInt64) -> Sequential {
        var generator = SeededGenerator(seeds: [seed, stableHash("text-bow-init")])
        var layers: [Layer] = [EmbeddingBag(vocabulary: vocabulary, dimension: dimension, generator: &generator)]
        if dropout > 0 { layers.append(DropoutLayer(rate: dropout)) }
        layers.append(Dense(dimension, classes, initializer: .glorot, generator: &generator))
        return Sequential(layers)
    }
}
