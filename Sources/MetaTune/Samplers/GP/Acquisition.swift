import Foundation
import MetaTuneNumerics

/// The acquisition functions, for minimisation of standardised targets; each is to be
/// maximised and is given with its derivatives with respect to the posterior mean μ and
/// standard deviation σ.
public enum Acquisition: Sendable, Hashable {
    /// log expected improvement over the best observation (Ament et al. 2023: the logarithm keeps
    /// it informative where plain EI underflows to zero).
    case logExpectedImprovement
    /// Lower confidence bound μ − β·σ, negated so that larger is better.
    case upperConfidenceBound(beta: Double)
    /// log probability of improvement.
    case logProbabilityOfImprovement

    /// The acquisition value and its partial derivatives for posterior (μ, σ), incumbent `best`.
    public func evaluate(mean mu: Double, sd sigma: Double, best: Double) -> (value: Double, dMean: Double, dSD: Double) {
        switch self {
        case .upperConfidenceBound(let beta):
            return (-mu + beta * sigma, -1, beta)
        case .logProbabilityOfImprovement:
            let z = (best - mu) / sigma
            let logPhi = Normal.logCDF(z)
            // d log Φ(z)/dz = φ(z)/Φ(z).
            let ratio = exp(Normal.logInverseSqrt2Pi - 0.5 * z * z - logPhi)
            return (logPhi, -ratio / sigma, -ratio * z / sigma)
        case .logExpectedImprovement:
            let z = (best - mu) / sigma
            let (logH, cdfRatio, pdfRatio) = Self.logImprovementFactor(z)
            // EI = σ·h(z), h(z) = zΦ(z) + φ(z), h'(z) = Φ(z); ∂z/∂μ = −1/σ, ∂z/∂σ = −z/σ.
            return (log(sigma) + logH, -cdfRatio / sigma, pdfRatio / sigma)
        }
    }

    /// log h(z) with h(z) = zΦ(z) + φ(z), and the ratios Φ(z)/h(z) and φ(z)/h(z), accurate in
    /// the far lower tail (where h(z) ≈ φ(z)/z²).
    static func logImprovementFactor(_ z: Double) -> (logH: Double, cdfRatio: Double, pdfRatio: Double) {
        let logPdf = Normal.logInverseSqrt2Pi - 0.5 * z * z
        if z > -5 {
            let cdf = Normal.cdf(z), pdf = exp(logPdf)
            let h = z * cdf + pdf
            return (log(h), cdf / h, pdf / h)
        }
        // With t = −z, Φ(z) = φ(z)·R(t), R(t) = 1/(t + c) the Mills ratio as a continued fraction
        // c = 1/(t + 2/(t + 3/(t + …))), so h(z) = φ(z)·(1 − tR(t)) = φ(z)·c/(t + c).
        let t = -z
        var tail = t
        for k in stride(from: 40, through: 2, by: -1) { tail = t + Double(k) / tail }
        let c = 1 / tail
        return (logPdf + log(c / (t + c)), 1 / c, (t + c) / c)
    }
}
