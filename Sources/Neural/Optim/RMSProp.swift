/// RMSProp (Hinton) with optional momentum and L2 weight decay.
public final class RMSProp: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let decay: Float
    public let epsilon: Float
    public let momentum: Float
    public let weightDecay: Float
    private var square: [[Float]]
    private var buffer: [[Float]]

    public init(parameters: [Tensor], learningRate: Float = 1e-2, decay: Float = 0.99, epsilon: Float = 1e-8,
                momentum: Float = 0, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.decay = decay
        self.epsilon = epsilon
        self.momentum = momentum
        self.weightDecay = weightDecay
        square = parameters.map { [Float](repeating: 0, count: $0.count) }
        buffer = square
    }

    public func copyState(from other: Optimizer) throws {
        guard let other = other as? RMSProp else { throw StateMismatch(description: "cannot copy an optimizer's state into RMSProp from another kind") }
        try copyBuffers(other.square, into: &square, what: "RMSProp's square averages")
        try copyBuffers(other.buffer, into: &buffer, what: "RMSProp's momentum buffers")
    }

    public func step() {
        let (lr, rho, eps, mu, wd) = (learningRate, decay, epsilon, momentum, weightDecay)
        for (index, p) in parameters.enumerated() where !p.grad.isEmpty {
            let ranges = p.gradientRanges()
            p.grad.withUnsafeBufferPointer { g in
                square[index].withUnsafeMutableBufferPointer { s in
                    buffer[index].withUnsafeMutableBufferPointer { b in
                        p.data.withUnsafeMutableBufferPointer { x in
                            // Only where the gradient may be nonzero (the touched rows of an embedding table).
                            for range in ranges {
                                for i in range {
                                    let grad = g[i] + wd * x[i]
                                    s[i] = rho * s[i] + (1 - rho) * grad * grad
                                    let update = grad / (s[i].squareRoot() + eps)
                                    if mu != 0 {
                                        b[i] = mu * b[i] + update
                                        x[i] -= lr * b[i]
                                    } else {
                                        x[i] -= lr * update
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
