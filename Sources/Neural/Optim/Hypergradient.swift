/// Shared arithmetic of hypergradient descent (Baydin et al., "Online Learning Rate Adaptation
/// with Hypergradient Descent", ICLR 2018): the learning rate α of step t follows
/// α_t = α_{t−1} + β · ∇f(θ_{t−1}) · u_{t−1}, where u_{t−1} is the direction of the previous
/// update (θ_{t−1} = θ_{t−2} − α·u_{t−1}), i.e. gradient descent on α with rate β.
enum Hypergradient {
    /// Σ a·b in Double (long sums of products of Float32 lose digits otherwise).
    static func dot(_ a: [Float], _ b: [Float]) -> Double {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                var total: Float = 0, chunkTotal: Double = 0
                for i in 0..<min(a.count, b.count) {
                    total += a[i] * b[i]
                    if i & 1023 == 1023 {
                        chunkTotal += Double(total)
                        total = 0
                    }
                }
                return chunkTotal + Double(total)
            }
        }
    }
}
