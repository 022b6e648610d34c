import Foundation

/// Adam (Kingma & Ba) with L2 weight decay added to the gradient, or, as AdamW
/// (`decoupledWeightDecay`), decay applied to the weights directly (Loshchilov & Hutter); and
/// optionally hypergradient descent on its learning rate (Adam-HD, Baydin et al., ICLR 2018).
public final class Adam: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    public let decoupledWeightDecay: Bool
    /// β of hypergradient descent: before each step the learning rate moves by β·(g · u), the
    /// new gradient g against the previous step's direction u = m̂ / (√v̂ + ε) (0: fixed rate).
    public let hypergradientRate: Float
    /// Whether the rate follows the normalised (multiplicative) rule α ← α·(1 + β·cos(g, u)).
    public let normalisedHypergradient: Bool
    private var previousDirection: [[Float]] = []
    private var m: [[Float]]
    private var v: [[Float]]
    private var t = 0

    public init(parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false, hypergradientRate: Float = 0,
                normalisedHypergradient: Bool = false) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        self.hypergradientRate = hypergradientRate
        self.normalisedHypergradient = normalisedHypergradient
        m = parameters.map { [Float](repeating: 0, count: $0.count) }
        v = m
        if hypergradientRate != 0 { previousDirection = m }
    }

    public func copyState(from other: Optimizer) throws {
        guard let other = other as? Adam, other.decoupledWeightDecay == decoupledWeightDecay else {
            throw StateMismatch(description: "cannot copy an optimizer's state into Adam from another kind")
        }
        try copyBuffers(other.m, into: &m, what: "Adam's first moments")
        try copyBuffers(other.v, into: &v, what: "Adam's second moments")
        t = other.t
        if hypergradientRate != 0 && other.hypergradientRate != 0 {
            try copyBuffers(other.previousDirection, into: &previousDirection, what: "Adam-HD's last directions")
            learningRate = other.learningRate
        }
    }

    public func step() {
        if hypergradientRate != 0 {
            learningRate = Hypergradient.adapted(learningRate, beta: hypergradientRate, normalised: normalisedHypergradient,
                                                 gradients: parameters.map(\.grad), directions: previousDirection)
        }
        t += 1
        let stepSize = learningRate / (1 - Foundation.pow(beta1, Float(t)))
        let inverseCorrection2 = 1 / (1 - Foundation.pow(beta2, Float(t)))
        let (lr, b1, b2, eps, wd) = (learningRate, beta1, beta2, epsilon, weightDecay)
        let correction1 = 1 / (1 - Foundation.pow(beta1, Float(t)))
        for (index, p) in parameters.enumerated() where !p.grad.isEmpty {
            let ranges = p.gradientRanges()
            p.grad.withUnsafeBufferPointer { g in
                m[index].withUnsafeMutableBufferPointer { m in
                    v[index].withUnsafeMutableBufferPointer { v in
                        p.data.withUnsafeMutableBufferPointer { x in
                          // Only where the gradient may be nonzero (the touched rows of an embedding table).
                          for range in ranges {
                            let (x, g, m, v) = (UnsafeMutableBufferPointer(rebasing: x[range]), UnsafeBufferPointer(rebasing: g[range]),
                                                UnsafeMutableBufferPointer(rebasing: m[range]), UnsafeMutableBufferPointer(rebasing: v[range]))
                            // AdamW decays the weights themselves; Adam adds the decay to the gradient.
                            if wd != 0 && decoupledWeightDecay {
                                for i in 0..<x.count { x[i] -= lr * wd * x[i] }
                            }
                            let coupledDecay = decoupledWeightDecay ? 0 : wd
                            if hypergradientRate == 0 {
                                Self.update(x: x, g: g, m: m, v: v, beta1: b1, beta2: b2, stepSize: stepSize,
                                            inverseCorrection2: inverseCorrection2, epsilon: eps, weightDecay: coupledDecay)
                            } else {
                                previousDirection[index].withUnsafeMutableBufferPointer { u in
                                    Self.update(x: x, g: g, m: m, v: v, beta1: b1, beta2: b2, stepSize: stepSize,
                                                inverseCorrection2: inverseCorrection2, epsilon: eps, weightDecay: coupledDecay,
                                                direction: u.baseAddress! + range.lowerBound, directionScale: correction1)
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

extension Adam {
    /// The Adam update of one parameter tensor, eight lanes at a time (explicit SIMD: the
    /// compiler does not vectorise the scalar loop), then the remainder.
    static func update(x: UnsafeMutableBufferPointer<Float>, g: UnsafeBufferPointer<Float>,
                       m: UnsafeMutableBufferPointer<Float>, v: UnsafeMutableBufferPointer<Float>,
                       beta1: Float, beta2: Float, stepSize: Float, inverseCorrection2: Float, epsilon: Float,
                       weightDecay: Float, direction: UnsafeMutablePointer<Float>? = nil, directionScale: Float = 0) {
        let n = x.count, vectorEnd = n / 8 * 8
        let (xp, gp, mp, vp) = (UnsafeMutableRawPointer(x.baseAddress!), UnsafeRawPointer(g.baseAddress!),
                                UnsafeMutableRawPointer(m.baseAddress!), UnsafeMutableRawPointer(v.baseAddress!))
        let tiny = SIMD8<Float>(repeating: 1e-30)
        var i = 0
        while i < vectorEnd {
            let offset = i * MemoryLayout<Float>.stride
            var xv = xp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            var gv = gp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            if weightDecay != 0 { gv += weightDecay * xv }
            var mv = beta1 * mp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) + (1 - beta1) * gv
            var vv = beta2 * vp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self) + (1 - beta2) * gv * gv
            mv.replace(with: 0, where: (mv .< tiny) .& (mv .> -tiny))
            vv.replace(with: 0, where: vv .< tiny)
            let step = mv / ((vv * inverseCorrection2).squareRoot() + epsilon)
            xv -= stepSize * step
            // Adam-HD's direction u = m̂ / (√v̂ + ε): the step before the learning rate.
            if let direction { UnsafeMutableRawPointer(direction).storeBytes(of: directionScale * step, toByteOffset: offset, as: SIMD8<Float>.self) }
            mp.storeBytes(of: mv, toByteOffset: offset, as: SIMD8<Float>.self)
            vp.storeBytes(of: vv, toByteOffset: offset, as: SIMD8<Float>.self)
            xp.storeBytes(of: xv, toByteOffset: offset, as: SIMD8<Float>.self)
            i += 8
        }
        for j in vectorEnd..<n {
            let grad = g[j] + weightDecay * x[j]
            m[j] = flushTiny(beta1 * m[j] + (1 - beta1) * grad)
            v[j] = flushTiny(beta2 * v[j] + (1 - beta2) * grad * grad)
            let step = m[j] / ((v[j] * inverseCorrection2).squareRoot() + epsilon)
            x[j] -= stepSize * step
            direction?[j] = directionScale * step
        }
    }

    /// Moments below 1e-30 are set to 0. They cannot move a weight (the update divides by at
    /// least ε = 1e-8 and is scaled by the learning rate), but left alone the moments of units
    /// whose gradient stays 0 decay geometrically into float32 subnormals, whose arithmetic is
    /// tens of times slower on x86 — the slowdown the benchmark protocol warns about. The
    /// floating-point environment itself is left as it is.
    @inline(__always)
    static func flushTiny(_ value: Float) -> Float {
        abs(value) < 1e-30 ? 0 : value
    }
}
