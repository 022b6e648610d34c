extension Tensor {
    /// For the features of a batch of sequences, [batch · length, features] (each sequence's rows
    /// together): the largest value of each feature over the positions `valid` allows
    /// (`valid[b · length + t]`; none allowed: position 0), as [batch, features] — max-over-time
    /// pooling. The gradient goes to the chosen position; differentiable twice (a gather).
    public func sequenceMaxima(length: Int, valid: [Bool]) -> Tensor {
        let rows = valid.count, batch = rows / max(length, 1)
        precondition(shape.count == 2 && shape[0] == rows && rows == batch * length && length > 0, "sequence maxima of \(shape) with \(rows) validity entries")
        let features = shape[1]
        var indices = [Int32](repeating: 0, count: batch * features)
        for b in 0..<batch {
            for feature in 0..<features {
                var best = b * length
                var bestValue = -Float.infinity
                for t in 0..<length where valid[b * length + t] {
                    let value = data[(b * length + t) * features + feature]
                    if value > bestValue { (best, bestValue) = (b * length + t, value) }
                }
                indices[b * features + feature] = Int32(best * features + feature)
            }
        }
        return gathered(indices, shape: [batch, features])
    }
}
