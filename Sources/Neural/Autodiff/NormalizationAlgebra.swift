import Foundation

/// The pieces batch normalisation's gradient is written in: a per-feature sum and its adjoint,
/// the broadcast of one value per feature over a batch.
extension Tensor {
    /// The sum over the batch (and spatial positions) of each feature of an [n, f] or
    /// [n, c, h, w] tensor, shape [f].
    func featureSums() -> Tensor {
        let layout = BatchNormLayout(shape), shape = self.shape
        var out = [Float](repeating: 0, count: layout.features)
        layout.forEach { f, i in out[f] += self.data[i] }
        return Tensor.derived(shape: [layout.features], data: out, inputs: [self]) { _, u in [u.broadcastFeatures(to: shape)] }
    }

    /// One value per feature ([f]) repeated over an [n, f] or [n, c, h, w] `shape`.
    func broadcastFeatures(to shape: [Int]) -> Tensor {
        let layout = BatchNormLayout(shape)
        var out = [Float](repeating: 0, count: shape.reduce(1, *))
        layout.forEach { f, i in out[i] = self.data[f] }
        return Tensor.derived(shape: shape, data: out, inputs: [self]) { _, u in [u.featureSums()] }
    }

    /// The gradients of batch normalisation with batch statistics with respect to its input,
    /// scale and shift, as tensor operations (x̂ recomputed from the input, so they differentiate
    /// again): dβ = Σg, dγ = Σg·x̂, dx = γ/(σ·m) · (m·g − Σg − x̂·Σg·x̂).
    static func batchNormVJP(_ g: Tensor, input x: Tensor, gamma: Tensor, beta: Tensor, epsilon: Float) -> [Tensor?] {
        let layout = BatchNormLayout(x.shape), shape = x.shape
        let m = Float(layout.batch * layout.spatial)
        let centred = x - x.featureSums().scaled(by: 1 / m).broadcastFeatures(to: shape)
        let variance = (centred * centred).featureSums().scaled(by: 1 / m)
        // 1/√(v + ε), whose derivative −½·y³ is written with its own result y.
        let inverseStd = variance.elementwise({ 1 / ($0 + epsilon).squareRoot() }, derivative: { _, y in -0.5 * y * y * y },
                                              gradient: { _, y in (y * y * y).scaled(by: -0.5) })
        let normalized = centred * inverseStd.broadcastFeatures(to: shape)
        let sumG = g.featureSums(), sumGX = (g * normalized).featureSums()
        let dx = x.requiresGrad
            ? (gamma * inverseStd).scaled(by: 1 / m).broadcastFeatures(to: shape)
                * (g.scaled(by: m) - sumG.broadcastFeatures(to: shape) - normalized * sumGX.broadcastFeatures(to: shape))
            : nil
        return [dx, gamma.requiresGrad ? sumGX : nil, beta.requiresGrad ? sumG : nil]
    }
}
