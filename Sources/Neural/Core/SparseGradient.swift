/// Row-sparse gradients: an embedding table of a large vocabulary receives, each step, gradient
/// in the few rows the batch looked up. Operations that know this add through
/// `accumulateGrad(rows:_:)`, and optimizers update `gradientRanges()` only — as PyTorch's
/// SparseAdam and TensorFlow's LazyAdam do, a row's moments and weight decay advance only in the
/// steps that touch it.
extension Tensor {
    /// Adds to the gradient in `rows` only (sorted, distinct rows of this 2-D tensor); `body`
    /// receives the whole buffer and must write in those rows alone.
    func accumulateGrad(rows: [Int], _ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let sparse = grad.isEmpty || gradientRows != nil
        if grad.isEmpty { grad = [Float](repeating: 0, count: data.count) }
        if sparse {
            gradientRows = gradientRows.map { $0.isEmpty ? rows : Array(Set($0).union(rows)).sorted() } ?? rows
        }
        grad.withUnsafeMutableBufferPointer { body($0) }
    }

    /// The element ranges of `grad` that may be nonzero: the touched rows (consecutive rows
    /// merged) when the gradient is row-sparse, else the whole tensor.
    public func gradientRanges() -> [Range<Int>] {
        guard let rows = gradientRows, shape.count == 2 else { return grad.isEmpty ? [] : [0..<count] }
        let width = shape[1]
        var ranges: [Range<Int>] = []
        for row in rows {
            let range = row * width..<(row + 1) * width
            if let last = ranges.last, last.upperBound == range.lowerBound {
                ranges[ranges.count - 1] = last.lowerBound..<range.upperBound
            } else {
                ranges.append(range)
            }
        }
        return ranges
    }
}
