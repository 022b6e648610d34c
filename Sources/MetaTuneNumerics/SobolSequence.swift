/// Why a `SobolSequence` cannot be created.
public enum SobolSequenceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The requested dimension is outside `1...SobolSequence.maxDimension`.
    case unsupportedDimension(Int)

    public var description: String {
        switch self {
        case let .unsupportedDimension(dimension):
            return "Sobol sequence dimension \(dimension) is not supported: "
                + "the dimension must be between 1 and \(SobolSequence.maxDimension)"
        }
    }
}

/// A (optionally scrambled) Sobol low-discrepancy sequence in base 2, generating points of
/// `[0, 1)^dimension`.
///
/// The direction numbers are Joe & Kuo's `new-joe-kuo-6.21201` set (see `SobolDirectionNumbers`),
/// for up to 256 dimensions, with 32 bits of precision: every coordinate is a multiple of `2^-32`,
/// and at most `2^32` points can be drawn. Points are produced in Gray-code order (Antonov &
/// Saleev), so point `n` is the XOR of the direction numbers selected by the bits of
/// `n ^ (n >> 1)`; that order is the usual one (scipy, Joe & Kuo), e.g. for dimension 1 the points
/// are 0, 1/2, 3/4, 1/4, 3/8, 7/8, 5/8, 1/8, ...
///
/// With a scramble seed the sequence is randomized by *linear matrix scrambling* (each dimension's
/// direction numbers are multiplied by a random lower-triangular binary matrix with unit diagonal,
/// so each output digit is itself plus a random combination of the more significant input digits)
/// followed by a random *digital shift* (each coordinate is XOR-ed with a random 32-bit word).
/// Both preserve the net structure: for every `k`, each one-dimensional projection of the first
/// `2^k` points still has exactly one point in each interval `[j / 2^k, (j + 1) / 2^k)`. The
/// random matrices and shifts come from `SeededGenerator(seed:)`, drawn dimension by dimension,
/// so the first `d` coordinates of a scrambled sequence do not depend on how many dimensions
/// were requested in total.
///
/// ```swift
/// var sobol = try SobolSequence(dimension: 3, scrambleSeed: 42)
/// let first = sobol.next()            // [Double] of length 3 in [0, 1)
/// let same = SobolSequence.point(index: 0, dimension: 3, scrambleSeed: 42)   // == first
/// ```
public struct SobolSequence: Sendable {
    /// The largest supported dimension.
    public static let maxDimension = SobolDirectionNumbers.maxDimension

    /// Bits of precision of every coordinate.
    public static let precisionBits = 32

    /// How many points the sequence has (`2^32`); `next()` may be called at most this many times.
    public static let capacity = 1 << precisionBits

    /// The number of coordinates of each point.
    public let dimension: Int

    /// The scramble seed, or nil for the plain (unscrambled) Sobol sequence.
    public let scrambleSeed: UInt64?

    /// The index of the point the next call to `next()` returns (the number of points consumed).
    public private(set) var index: Int = 0

    /// Direction numbers (scrambled when a seed is given): entry `j * precisionBits + k` is the
    /// `k`-th (0-based) direction number of dimension `j`, as a 32-bit binary fraction.
    private let directions: [UInt32]

    /// The digital shift of each dimension (all zero when unscrambled).
    private let shifts: [UInt32]

    /// The integer coordinates of point `index`.
    private var state: [UInt32]

    /// Creates the sequence for `dimension` coordinates.
    ///
    /// - Parameters:
    ///   - dimension: the number of coordinates, `1...SobolSequence.maxDimension` (256).
    ///   - scrambleSeed: nil for the standard Sobol points (the first one is the origin);
    ///     otherwise the seed of the linear matrix scrambling and digital shift. The same seed
    ///     always gives the same points.
    /// - Throws: `SobolSequenceError.unsupportedDimension` when `dimension` is out of range.
    public init(dimension: Int, scrambleSeed: UInt64?) throws {
        guard (1...Self.maxDimension).contains(dimension) else {
            throw SobolSequenceError.unsupportedDimension(dimension)
        }
        self.dimension = dimension
        self.scrambleSeed = scrambleSeed
        let bits = Self.precisionBits
        let standard = Self.standardDirections[0..<(dimension * bits)]
        if let seed = scrambleSeed {
            let scramble = Scramble(seed: seed, dimension: dimension)
            var scrambled = [UInt32](repeating: 0, count: dimension * bits)
            for j in 0..<dimension {
                for k in 0..<bits {
                    scrambled[j * bits + k] = scramble.apply(standard[j * bits + k], dimension: j)
                }
            }
            directions = scrambled
            shifts = scramble.shifts
        } else {
            directions = Array(standard)
            shifts = [UInt32](repeating: 0, count: dimension)
        }
        state = shifts
    }

    /// Returns the next point (`dimension` coordinates in `[0, 1)`) and advances the sequence.
    ///
    /// - Precondition: fewer than `SobolSequence.capacity` points have been drawn.
    public mutating func next() -> [Double] {
        precondition(index < Self.capacity, "the Sobol sequence is exhausted after 2^32 points")
        let point = state.map(Self.unitValue)
        index += 1
        if index < Self.capacity {
            // Gray code: g(n) ^ g(n - 1) has exactly one bit set, at the lowest set bit of n.
            let k = index.trailingZeroBitCount
            for j in 0..<dimension {
                state[j] ^= directions[j * Self.precisionBits + k]
            }
        }
        return point
    }

    /// Skips `count` points, so that the next call to `next()` returns the point at `index + count`.
    /// Costs about as much as one call to `next()` whatever `count` is.
    ///
    /// - Precondition: `count >= 0` and `index + count <= SobolSequence.capacity`.
    public mutating func skip(_ count: Int) {
        precondition(count >= 0, "cannot skip a negative number of Sobol points (\(count))")
        precondition(count <= Self.capacity - index, "cannot skip past the 2^32 points of the Sobol sequence")
        guard count > 0 else { return }
        index += count
        guard index < Self.capacity else { return }
        let gray = Self.grayCode(index)
        for j in 0..<dimension {
            var x = shifts[j]
            var bits = gray
            while bits != 0 {
                x ^= directions[j * Self.precisionBits + bits.trailingZeroBitCount]
                bits &= bits - 1
            }
            state[j] = x
        }
    }

    /// The point at `index` of the sequence `SobolSequence(dimension:scrambleSeed:)`, computed
    /// directly, without any state: `point(index: n, ...)` equals the result of the `(n + 1)`-th
    /// call to `next()` on a fresh sequence with the same dimension and seed.
    ///
    /// Each call redraws the scramble from the seed, which costs a few hundred operations per
    /// dimension; to walk through many consecutive points, `next()` is cheaper.
    ///
    /// - Precondition: `dimension` is in `1...SobolSequence.maxDimension` and
    ///   `index` in `0..<SobolSequence.capacity`.
    public static func point(index: Int, dimension: Int, scrambleSeed: UInt64?) -> [Double] {
        precondition((1...maxDimension).contains(dimension),
                     SobolSequenceError.unsupportedDimension(dimension).description)
        precondition(index >= 0 && index < capacity,
                     "Sobol point index \(index) is outside 0..<2^32")
        let gray = grayCode(index)
        let scramble = scrambleSeed.map { Scramble(seed: $0, dimension: dimension) }
        return (0..<dimension).map { j in
            var x: UInt32 = 0
            var bits = gray
            while bits != 0 {
                x ^= standardDirections[j * precisionBits + bits.trailingZeroBitCount]
                bits &= bits - 1
            }
            // The scramble is linear over GF(2), so scrambling the XOR of the standard direction
            // numbers equals XOR-ing the scrambled direction numbers, as `next()` does.
            if let scramble {
                x = scramble.apply(x, dimension: j) ^ scramble.shifts[j]
            }
            return unitValue(x)
        }
    }

    // MARK: - Internals

    /// The unscrambled direction numbers of all `maxDimension` dimensions, laid out as `directions`.
    static let standardDirections: [UInt32] = makeStandardDirections()

    /// Expands the Joe & Kuo table into 32 direction numbers per dimension.
    ///
    /// For a primitive polynomial `x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1` and initial odd
    /// integers `m_1...m_s` (`m_k < 2^k`), the further integers follow
    /// `m_k = 2 a_1 m_(k-1) ^ 4 a_2 m_(k-2) ^ ... ^ 2^(s-1) a_(s-1) m_(k-s+1) ^ 2^s m_(k-s) ^ m_(k-s)`,
    /// and the k-th direction number is the binary fraction `m_k / 2^k`, stored as `m_k << (32 - k)`.
    /// Dimension 1 has every `m_k = 1`.
    private static func makeStandardDirections() -> [UInt32] {
        let bits = precisionBits
        var table = [UInt32](repeating: 0, count: maxDimension * bits)
        var offset = 0
        var m = [UInt32](repeating: 1, count: bits)
        for d in 0..<maxDimension {
            let polynomial = UInt32(SobolDirectionNumbers.polynomials[d])
            let degree = UInt32.bitWidth - 1 - polynomial.leadingZeroBitCount
            for k in 0..<bits { m[k] = 1 }
            if degree > 0 {
                for k in 0..<degree {
                    m[k] = UInt32(SobolDirectionNumbers.initialNumbers[offset + k])
                }
                offset += degree
                for k in degree..<bits {
                    var value = m[k - degree] ^ (m[k - degree] << degree)
                    for i in 1..<degree where (polynomial >> (degree - i)) & 1 == 1 {
                        value ^= m[k - i] << i
                    }
                    m[k] = value
                }
            }
            for k in 0..<bits {
                table[d * bits + k] = m[k] << (bits - 1 - k)
            }
        }
        precondition(offset == SobolDirectionNumbers.initialNumbers.count,
                     "the Sobol direction-number table is inconsistent")
        return table
    }

    /// The Gray code of `n`, whose set bits select the direction numbers of point `n`.
    private static func grayCode(_ n: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: n ^ (n >> 1))
    }

    /// Maps a 32-bit binary fraction to `[0, 1)` (exactly, since 32 bits fit in a Double).
    private static func unitValue(_ x: UInt32) -> Double {
        Double(x) * 0x1.0p-32
    }
}

/// The random linear matrix scrambling and digital shift of a scrambled Sobol sequence.
private struct Scramble {
    /// Row `r` of dimension `j`'s matrix is entry `j * 32 + r`: the mask of input bits whose parity
    /// gives output digit `r` (digit 0 is the most significant, i.e. bit 31). It always contains
    /// the digit itself (unit diagonal) and otherwise only more significant digits (lower triangular).
    let rows: [UInt32]
    /// The digital shift of each dimension.
    let shifts: [UInt32]

    /// Draws, for each dimension in turn, the 31 random rows of its matrix and then its shift.
    init(seed: UInt64, dimension: Int) {
        let bits = SobolSequence.precisionBits
        var generator = SeededGenerator(seed: seed)
        var rows = [UInt32](repeating: 0, count: dimension * bits)
        var shifts = [UInt32](repeating: 0, count: dimension)
        for j in 0..<dimension {
            for r in 0..<bits {
                let position = bits - 1 - r
                let diagonal = UInt32(1) << position
                if r == 0 {
                    rows[j * bits] = diagonal
                } else {
                    let moreSignificant = UInt32.max << (position + 1)
                    rows[j * bits + r] = diagonal | (Self.draw32(&generator) & moreSignificant)
                }
            }
            shifts[j] = Self.draw32(&generator)
        }
        self.rows = rows
        self.shifts = shifts
    }

    /// Multiplies the binary fraction `x` by dimension `j`'s matrix (over GF(2)); no shift.
    func apply(_ x: UInt32, dimension j: Int) -> UInt32 {
        let bits = SobolSequence.precisionBits
        var result: UInt32 = 0
        for r in 0..<bits where (rows[j * bits + r] & x).nonzeroBitCount & 1 == 1 {
            result |= UInt32(1) << (bits - 1 - r)
        }
        return result
    }

    private static func draw32(_ generator: inout SeededGenerator) -> UInt32 {
        UInt32(truncatingIfNeeded: generator.next() >> 32)
    }
}
