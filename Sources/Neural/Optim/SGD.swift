/// Stochastic gradient descent with optional (Nesterov) momentum and L2 weight decay, and
/// optionally hypergradient descent on its learning rate (SGD-HD, Baydin et al., ICLR 2018).
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    /// β of hypergradient descent: before each step the learning rate moves by β·(g · d), the
    /// new gradient g against the previous step's direction d (0: a fixed learning rate).
    public let hypergradientRate: Float
    /// Whether the rate follows the normalised (multiplicative) rule α ← α·(1 + β·cos(g, d)).
    public let normalisedHypergradient: Bool
    private var velocity: [[Float]]
    private var previousDirection: [[Float]]

    public init(parameters: [Tensor], learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0,
                hypergradientRate: Float = 0, normalisedHypergradient: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.hypergradientRate = hypergradientRate
        self.normalisedHypergradient = normalisedHypergradient
        velocity = parameters.map { [Float](repeating: 0, count: $0.count) }
        previousDirection = hypergradientRate == 0 ? [] : velocity
    }

    public func copyState(from other: Optimizer) throws {
        guard let other = other as? SGD else { throw StateMismatch(description: "cannot copy an optimizer's state into SGD from another kind") }
        try copyBuffers(other.velocity, into: &velocity, what: "SGD's velocities")
        if hypergradientRate != 0 && other.hypergradientRate != 0 {
            try copyBuffers(other.previousDirection, into: &previousDirection, what: "SGD-HD's last directions")
            learningRate = other.learningRate
        }
    }

    public func step() {
        if hypergradientRate != 0 {
            // d f(θ_{t−1}) / dα = −g_t · d_{t−1}: descend on it. The rate never turns negative.
            learningRate = Hypergradient.adapted(learningRate, beta: hypergradientRate, normalised: normalisedHypergradient,
                                                 gradients: parameters.map(\.grad), directions: previousDirection)
        }
        for (index, p) in parameters.enumerated() where !p.grad.isEmpty {
            let ranges = p.gradientRanges()
            let (lr, mu, wd, nesterov) = (learningRate, momentum, weightDecay, self.nesterov)
            p.grad.withUnsafeBufferPointer { g in
                velocity[index].withUnsafeMutableBufferPointer { v in
                    p.data.withUnsafeMutableBufferPointer { x in
                        // Only where the gradient may be nonzero (the touched rows of an embedding table).
                        for range in ranges {
                            for i in range {
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
            if hypergradientRate != 0 { recordDirection(index, p) }
        }
    }

    /// The direction the step just taken moved along (what the next hypergradient is taken against).
    private func recordDirection(_ index: Int, _ p: Tensor) {
        let (mu, wd) = (momentum, weightDecay)
        previousDirection[index].withUnsafeMutableBufferPointer { d in
            p.grad.withUnsafeBufferPointer { g in
                velocity[index].withUnsafeBufferPointer { v in
                    p.data.withUnsafeBufferPointer { x in
                        if mu == 0 {
                            for i in 0..<d.count { d[i] = g[i] + wd * x[i] }
                        } else if nesterov {
                            for i in 0..<d.count { d[i] = g[i] + wd * x[i] + mu * v[i] }
                        } else {
                            for i in 0..<d.count { d[i] = v[i] }
                        }
                    }
                }
            }
        }
    }
}
