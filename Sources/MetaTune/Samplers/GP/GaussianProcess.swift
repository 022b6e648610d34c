import Foundation
import MetaTuneNumerics

/// A Gaussian-process regression model with a Matérn-5/2 kernel and zero prior mean, conditioned
/// on observations: the posterior mean and variance of the latent function anywhere, and their
/// gradients for acquisition optimisation.
public struct GaussianProcess: Sendable {
    public let kernel: MaternKernel
    /// The training inputs, one row each.
    public let inputs: [[Double]]
    /// The training targets (the caller standardises them).
    public let targets: [Double]
    let cholesky: Cholesky
    /// K⁻¹·y, K the training covariance with noise.
    let weights: [Double]

    /// Conditions the prior on `inputs` and `targets`; nil when the covariance cannot be
    /// factorised even with jitter.
    public init?(inputs: [[Double]], targets: [Double], kernel: MaternKernel) {
        precondition(inputs.count == targets.count, "GaussianProcess: one target per input")
        let n = inputs.count
        var covariance = [Double](repeating: 0, count: n * n)
        for a in 0..<n {
            for b in 0...a {
                let value = kernel(inputs[a], inputs[b])
                covariance[a * n + b] = value
                covariance[b * n + a] = value
            }
            covariance[a * n + a] += kernel.noiseVariance
        }
        guard let cholesky = Cholesky(symmetric: covariance, n: n) else { return nil }
        self.kernel = kernel
        self.inputs = inputs
        self.targets = targets
        self.cholesky = cholesky
        weights = cholesky.solve(targets)
    }

    /// The posterior mean and variance (of the function, without noise) at each of `points`.
    public func predict(_ points: [[Double]]) -> (mean: [Double], variance: [Double]) {
        let n = inputs.count, m = points.count
        guard m > 0 else { return ([], []) }
        guard n > 0 else {
            return ([Double](repeating: 0, count: m), [Double](repeating: kernel.signalVariance, count: m))
        }
        var cross = crossCovariances(points)
        var mean = [Double](repeating: 0, count: m)
        for i in 0..<n {
            let w = weights[i]
            for c in 0..<m { mean[c] += w * cross[i * m + c] }
        }
        cholesky.solveLower(matrix: &cross, columns: m)  // now L⁻¹k*
        var variance = [Double](repeating: kernel.signalVariance, count: m)
        for i in 0..<n {
            for c in 0..<m { variance[c] -= cross[i * m + c] * cross[i * m + c] }
        }
        for c in 0..<m { variance[c] = max(variance[c], 1e-14 * kernel.signalVariance) }
        return (mean, variance)
    }

    /// k(xᵢ, p_c) for every training input i and point c: n×m, row-major.
    private func crossCovariances(_ points: [[Double]]) -> [Double] {
        let n = inputs.count, m = points.count, d = kernel.categorical.count
        var flatPoints = [Double](repeating: 0, count: m * d)
        for c in 0..<m { for j in 0..<d { flatPoints[c * d + j] = points[c][j] } }
        var cross = [Double](repeating: 0, count: n * m)
        let lambdas = kernel.inverseSquaredLengthscales, categorical = kernel.categorical, s = kernel.signalVariance
        flatPoints.withUnsafeBufferPointer { p in
            cross.withUnsafeMutableBufferPointer { out in
                for i in 0..<n {
                    let x = inputs[i]
                    for c in 0..<m {
                        var r2 = 0.0
                        for j in 0..<d {
                            let delta = MaternKernel.coordinateDistance(x[j], p[c * d + j], categorical: categorical[j])
                            r2 += lambdas[j] * delta
                        }
                        out[i * m + c] = s * MaternKernel.correlation(squaredDistance: r2)
                    }
                }
            }
        }
        return cross
    }

    /// The posterior mean and variance at `x`, with their gradients with respect to x's numeric
    /// coordinates (zero for categorical ones).
    public func predictWithGradient(_ x: [Double]) -> (mean: Double, variance: Double, meanGradient: [Double], varianceGradient: [Double]) {
        let n = inputs.count, d = x.count
        guard n > 0 else { return (0, kernel.signalVariance, [Double](repeating: 0, count: d), [Double](repeating: 0, count: d)) }
        var cross = [Double](repeating: 0, count: n)
        // dk(x, xᵢ)/dx = k'(r²) · 2λⱼ (xⱼ − xᵢⱼ), row-major n×d.
        var crossGradient = [Double](repeating: 0, count: n * d)
        let s = kernel.signalVariance
        for i in 0..<n {
            let r2 = kernel.squaredDistance(x, inputs[i])
            cross[i] = s * MaternKernel.correlation(squaredDistance: r2)
            let slope = s * MaternKernel.correlationSlope(squaredDistance: r2)
            for j in 0..<d where !kernel.categorical[j] {
                crossGradient[i * d + j] = slope * 2 * kernel.inverseSquaredLengthscales[j] * (x[j] - inputs[i][j])
            }
        }
        let solved = cholesky.solve(cross)  // K⁻¹ k
        var mean = 0.0, explained = 0.0
        for i in 0..<n {
            mean += weights[i] * cross[i]
            explained += cross[i] * solved[i]
        }
        var meanGradient = [Double](repeating: 0, count: d)
        var varianceGradient = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d {
                let g = crossGradient[i * d + j]
                meanGradient[j] += weights[i] * g
                varianceGradient[j] -= 2 * solved[i] * g
            }
        }
        let variance = s - explained
        if variance < 1e-14 * s {
            return (mean, 1e-14 * s, meanGradient, [Double](repeating: 0, count: d))
        }
        return (mean, variance, meanGradient, varianceGradient)
    }
}
