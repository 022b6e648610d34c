/// Shared arithmetic of hypergradient descent (Baydin et al., "Online Learning Rate Adaptation
/// with Hypergradient Descent", ICLR 2018): the learning rate α of step t follows
/// α_t = α_{t−1} + β · ∇f(θ_{t−1}) · u_{t−1}, where u_{t−1} is the direction of the previous
/// update (θ_{t−1} = θ_{t−2} − α·u_{t−1}), i.e. gradient descent on α with rate β.
enum Hypergradient {
    /// The learning rate after one hypergradient step from `rate`: additive, α + β·(g · u) (never
    /// below 0), or normalised, α·(1 + β·cos(g, u)) — scale-free, so one β suits any optimizer
    /// and model. `gradients` and `directions` pair up per parameter (empty gradients skipped).
    static func adapted(_ rate: Float, beta: Float, normalised: Bool, gradients: [[Float]], directions: [[Float]]) -> Float {
        var product = 0.0, gradientNorm = 0.0, directionNorm = 0.0
        for (g, u) in zip(gradients, directions) where !g.isEmpty {
            product += dot(g, u)
            if normalised {
                gradientNorm += dot(g, g)
                directionNorm += dot(u, u)
            }
        }
        guard normalised else { return max(0, rate + beta * Float(product)) }
        guard gradientNorm > 0, directionNorm > 0 else { return rate }
        return rate * Float(1 + Double(beta) * product / (gradientNorm * directionNorm).squareRoot())
    }

    /// Σ a·b: eight lanes in Float, gathered into a Double every 1,024 elements (long sums of
    /// Float32 products lose digits otherwise).
    static func dot(_ a: [Float], _ b: [Float]) -> Double {
        let n = min(a.count, b.count)
        return a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                let (pa, pb) = (UnsafeRawPointer(a.baseAddress!), UnsafeRawPointer(b.baseAddress!))
                var total = 0.0, i = 0
                while i + 8 <= n {
                    var lanes = SIMD8<Float>(repeating: 0)
                    let end = min(n, i + 1024) / 8 * 8
                    while i < end {
                        let offset = i * MemoryLayout<Float>.stride
                        lanes += pa.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                            * pb.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                        i += 8
                    }
                    total += Double(lanes.sum())
                }
                while i < n {
                    total += Double(a[i] * b[i])
                    i += 1
                }
                return total
            }
        }
    }
}
