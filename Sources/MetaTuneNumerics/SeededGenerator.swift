import Foundation

/// A small, fast, seedable pseudo-random generator (xoshiro256**), seeded through SplitMix64.
///
/// Every source of randomness in MetaTune goes through this type so that the same seed always
/// gives the same stream on every platform (Swift's `SystemRandomNumberGenerator` is not seedable).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var mixer = SplitMix64(state: seed)
        s0 = mixer.next()
        s1 = mixer.next()
        s2 = mixer.next()
        s3 = mixer.next()
    }

    /// Creates a generator from several seed words, e.g. (study seed, trial number, parameter hash).
    /// Different word lists give statistically independent streams.
    public init(seeds: [UInt64]) {
        var state: UInt64 = 0x6A09_E667_F3BC_C909
        for word in seeds {
            var mixer = SplitMix64(state: state ^ word)
            state = mixer.next()
        }
        self.init(seed: state)
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal variate (Box–Muller, one value per call).
    public mutating func nextStandardNormal() -> Double {
        var u = nextUniform()
        while u <= 0 { u = nextUniform() }
        let v = nextUniform()
        return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v)
    }

    /// A uniform integer in `0..<upperBound` (unbiased).
    public mutating func nextIndex(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "upperBound must be positive")
        return Int(next(upperBound: UInt64(upperBound)))
    }

    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): the generator the training-benchmark protocol
/// prescribes (so every engine draws identical initial weights and batch orders), and the seed
/// expander of `SeededGenerator`.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(state: UInt64) {
        self.state = state
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A double in [0, 1) from the top 53 bits of one draw.
    public mutating func nextU53() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A float in [0, 1) from the top 24 bits of one draw (exact in Float32).
    public mutating func nextU24() -> Float {
        Float(next() >> 40) * 0x1.0p-24
    }

    /// The Fisher–Yates permutation of 0..<n, one draw per position from n − 1 down to 1.
    public mutating func permutation(_ n: Int) -> [Int] {
        var order = Array(0..<n)
        var i = n - 1
        while i >= 1 {
            let j = Int(next() % UInt64(i + 1))
            order.swapAt(i, j)
            i -= 1
        }
        return order
    }
}
