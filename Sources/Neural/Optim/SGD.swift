/// Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay.
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    private var velocity: [[Float]]

    public init(parameters: [Tensor], learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        velocity = parameters.map { [Float](repeating: 0, count: $0.count) }
    }

    public func copyState(from other: Optimizer) throws {
        guard let other = other as? SGD else { throw StateMismatch(description: "cannot copy an optimizer's state into SGD from another kind") }
        try copyBuffers(other.velocity, into: &velocity, what: "SGD's velocities")
    }

    public func step() {
        for (index, p) in parameters.enumerated() where !p.grad.isEmpty {
            let (lr, mu, wd, nesterov) = (learningRate, momentum, weightDecay, self.nesterov)
            p.grad.withUnsafeBufferPointer { g in
                velocity[index].withUnsafeMutableBufferPointer { v in
                    p.data.withUnsafeMutableBufferPointer { x in
                        for i in 0..<x.count {
                            var d = g[i] + wd * x[i]
                            if mu != 0 {
                                v[i] = mu * v[i] + d
                                d = nesterov ? d + mu * v[i] : v[i]
                            }
                            x[i] -= lr * d
                        }
                    }
                }
            }
        }
    }
}
