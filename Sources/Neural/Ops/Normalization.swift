import Foundation

extension Tensor {
    /// Batch normalisation over the batch (and spatial) dimensions, per feature or channel:
    /// input [n, features] or [n, channels, h, w]; `gamma` and `beta` have one value per feature.
    /// Returns the output and the batch's per-feature mean and (biased) variance.
    public func batchNormalized(gamma: Tensor, beta: Tensor, epsilon: Float = 1e-5) -> (Tensor, mean: [Float], variance: [Float]) {
        let layout = BatchNormLayout(shape)
        precondition(gamma.count == layout.features && beta.count == layout.features, "batch norm parameters do not match \(shape)")
        let m = Float(layout.batch * layout.spatial)
        var mean = [Float](repeating: 0, count: layout.features), variance = mean
        layout.forEach { f, i in mean[f] += self.data[i] }
        for f in 0..<layout.features { mean[f] /= m }
        layout.forEach { f, i in
            let d = self.data[i] - mean[f]
            variance[f] += d * d
        }
        for f in 0..<layout.features { variance[f] /= m }
        let inverseStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
        var normalized = [Float](repeating: 0, count: count), out = normalized
        layout.forEach { f, i in
            normalized[i] = (self.data[i] - mean[f]) * inverseStd[f]
            out[i] = normalized[i] * gamma.data[f] + beta.data[f]
        }
        let result = Tensor(shape: shape, data: out, inputs: [self, gamma, beta], vjp: { _, g in
            Tensor.batchNormVJP(g, input: self, gamma: gamma, beta: beta, epsilon: epsilon)
        }) { result in
            var sumDy = [Float](repeating: 0, count: layout.features), sumDyX = sumDy
            layout.forEach { f, i in
                sumDy[f] += result.grad[i]
                sumDyX[f] += result.grad[i] * normalized[i]
            }
            if gamma.requiresGrad { gamma.accumulateGrad { g in for f in 0..<layout.features { g[f] += sumDyX[f] } } }
            if beta.requiresGrad { beta.accumulateGrad { g in for f in 0..<layout.features { g[f] += sumDy[f] } } }
            if self.requiresGrad {
                self.accumulateGrad { dx in
                    layout.forEach { f, i in
                        let scale = gamma.data[f] * inverseStd[f] / m
                        dx[i] += scale * (m * result.grad[i] - sumDy[f] - normalized[i] * sumDyX[f])
                    }
                }
            }
        }
        return (result, mean, variance)
    }

    /// Normalisation with fixed statistics (evaluation mode).
    public func batchNormalized(gamma: Tensor, beta: Tensor, mean: [Float], variance: [Float], epsilon: Float = 1e-5) -> Tensor {
        let layout = BatchNormLayout(shape)
        var out = [Float](repeating: 0, count: count)
        let scale = (0..<layout.features).map { gamma.data[$0] / (variance[$0] + epsilon).squareRoot() }
        layout.forEach { f, i in out[i] = (self.data[i] - mean[f]) * scale[f] + beta.data[f] }
        let features = layout.features
        return Tensor(shape: shape, data: out, inputs: [self, gamma, beta], vjp: { _, g in
            // Fixed statistics: an affine map per feature, y = (x − μ)·γ/σ + β.
            let inverseStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
            let normalized = self.adding(constant: (0..<self.count).map { i in -mean[(i / layout.spatial) % features] })
                .multiplied(byConstant: (0..<self.count).map { i in inverseStd[(i / layout.spatial) % features] })
            return [self.requiresGrad ? g * (gamma * Tensor(shape: [features], data: inverseStd)).broadcastFeatures(to: self.shape) : nil,
                    gamma.requiresGrad ? (g * normalized).featureSums() : nil, beta.requiresGrad ? g.featureSums() : nil]
        }) { result in
            if self.requiresGrad { self.accumulateGrad { dx in layout.forEach { f, i in dx[i] += result.grad[i] * scale[f] } } }
            if gamma.requiresGrad {
                gamma.accumulateGrad { dg in
                    layout.forEach { f, i in dg[f] += result.grad[i] * (self.data[i] - mean[f]) / (variance[f] + epsilon).squareRoot() }
                }
            }
            if beta.requiresGrad { beta.accumulateGrad { db in layout.forEach { f, i in db[f] += result.grad[i] } } }
        }
    }
}

/// How batch-norm features map onto a tensor: [n, f] or [n, c, h, w] (feature = channel).
struct BatchNormLayout {
    let batch, features, spatial: Int

    init(_ shape: [Int]) {
        precondition(shape.count == 2 || shape.count == 4, "batch norm needs [n, f] or [n, c, h, w], got \(shape)")
        batch = shape[0]
        features = shape[1]
        spatial = shape.count == 4 ? shape[2] * shape[3] : 1
    }

    /// Calls `body(feature, flatIndex)` for every element.
    @inline(__always)
    func forEach(_ body: (Int, Int) -> Void) {
        for s in 0..<batch {
            for f in 0..<features {
                let base = (s * features + f) * spatial
                for p in 0..<spatial { body(f, base + p) }
            }
        }
    }
}
