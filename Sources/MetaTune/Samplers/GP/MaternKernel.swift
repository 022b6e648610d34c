import Foundation

/// The Matérn-5/2 kernel with automatic relevance determination:
/// k(x, x') = s · (1 + √5 r + 5r²/3) · exp(−√5 r), with r² = Σⱼ λⱼ δⱼ(x, x'),
/// where δⱼ is (xⱼ − x'ⱼ)² for a numeric coordinate and [xⱼ ≠ x'ⱼ] for a categorical one
/// (a Hamming distance), and λⱼ = 1/ℓⱼ² the inverse squared length scales.
public struct MaternKernel: Sendable, Hashable {
    /// λⱼ, one per input coordinate.
    public var inverseSquaredLengthscales: [Double]
    /// s, the prior variance of the function.
    public var signalVariance: Double
    /// The variance of the observation noise (added on the diagonal of the training covariance).
    public var noiseVariance: Double
    /// Which coordinates are categorical (compared for equality only).
    public let categorical: [Bool]

    public init(inverseSquaredLengthscales: [Double], signalVariance: Double, noiseVariance: Double, categorical: [Bool]? = nil) {
        self.inverseSquaredLengthscales = inverseSquaredLengthscales
        self.signalVariance = signalVariance
        self.noiseVariance = noiseVariance
        self.categorical = categorical ?? [Bool](repeating: false, count: inverseSquaredLengthscales.count)
    }

    /// δⱼ(a, b) for coordinate j.
    @inline(__always)
    static func coordinateDistance(_ a: Double, _ b: Double, categorical: Bool) -> Double {
        if categorical { return a == b ? 0 : 1 }
        let d = a - b
        return d * d
    }

    /// r²(a, b).
    func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        var r2 = 0.0
        for j in 0..<a.count {
            r2 += inverseSquaredLengthscales[j] * Self.coordinateDistance(a[j], b[j], categorical: categorical[j])
        }
        return r2
    }

    /// k as a function of r², without the signal variance.
    @inline(__always)
    static func correlation(squaredDistance r2: Double) -> Double {
        let r = (5 * r2).squareRoot()  // √5 r
        return (1 + r + r * r / 3) * exp(-r)
    }

    /// dk/d(r²), without the signal variance: −(5/6)(1 + √5 r) exp(−√5 r).
    @inline(__always)
    static func correlationSlope(squaredDistance r2: Double) -> Double {
        let r = (5 * r2).squareRoot()
        return -(5.0 / 6.0) * (1 + r) * exp(-r)
    }

    /// The correlation and its slope dk/d(r²) together, sharing one exponential.
    @inline(__always)
    static func correlationAndSlope(squaredDistance r2: Double) -> (value: Double, slope: Double) {
        let r = (5 * r2).squareRoot()
        let e = exp(-r)
        return ((1 + r + r * r / 3) * e, -(5.0 / 6.0) * (1 + r) * e)
    }

    /// k(a, b) (noise not included).
    public func callAsFunction(_ a: [Double], _ b: [Double]) -> Double {
        signalVariance * Self.correlation(squaredDistance: squaredDistance(a, b))
    }
}
