/// Batch normalisation (Ioffe & Szegedy) with learned scale and shift; running statistics
/// (momentum 0.1, as PyTorch) are used in evaluation.
public final class BatchNorm: Layer {
    public let gamma: Tensor
    public let beta: Tensor
    public private(set) var runningMean: [Float]
    public private(set) var runningVariance: [Float]
    public let momentum: Float

    public init(features: Int, momentum: Float = 0.1) {
        gamma = Tensor(shape: [features], data: [Float](repeating: 1, count: features), requiresGrad: true)
        beta = Tensor(zeros: [features], requiresGrad: true)
        runningMean = [Float](repeating: 0, count: features)
        runningVariance = [Float](repeating: 1, count: features)
        self.momentum = momentum
    }

    public func forward(_ input: Tensor, _ context: inout ForwardContext) -> Tensor {
        guard context.training else {
            return input.batchNormalized(gamma: gamma, beta: beta, mean: runningMean, variance: runningVariance)
        }
        let (output, mean, variance) = input.batchNormalized(gamma: gamma, beta: beta)
        let layout = BatchNormLayout(input.shape)
        let m = Float(layout.batch * layout.spatial)
        let unbiased = m > 1 ? m / (m - 1) : 1
        for f in 0..<mean.count {
            runningMean[f] = (1 - momentum) * runningMean[f] + momentum * mean[f]
            runningVariance[f] = (1 - momentum) * runningVariance[f] + momentum * variance[f] * unbiased
        }
        return output
    }

    public var parameters: [Tensor] { [gamma, beta] }

    public func forward(_ input: Tensor, parameters: ArraySlice<Tensor>, _ context: inout ForwardContext) -> Tensor {
        input.batchNormalized(gamma: parameters[parameters.startIndex], beta: parameters[parameters.startIndex + 1]).0
    }

    /// Takes over the running statistics of `other` (same number of features).
    func copyRunningStatistics(from other: BatchNorm) throws {
        guard other.runningMean.count == runningMean.count else {
            throw StateMismatch(description: "cannot copy batch-norm statistics between layers of \(other.runningMean.count) and \(runningMean.count) features")
        }
        runningMean = other.runningMean
        runningVariance = other.runningVariance
    }
}
