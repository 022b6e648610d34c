import Foundation
import Numerics

/// Priors on the kernel hyperparameters, for inputs in the unit cube and standardised targets.
/// Each is a normal distribution on the logarithm of the hyperparameter; they keep the fit sane
/// when there are few observations.
public struct KernelPrior: Sendable {
    /// log λ (λ = 1/ℓ²) ~ N(mean, sd²).
    public var logInverseSquaredLengthscaleMean = 1.0
    public var logInverseSquaredLengthscaleSD = 2.0
    /// log s ~ N(mean, sd²).
    public var logSignalVarianceMean = 0.0
    public var logSignalVarianceSD = 1.5
    /// log(noise − noiseFloor) ~ N(mean, sd²).
    public var logNoiseMean = -8.0
    public var logNoiseSD = 3.0
    /// The smallest noise variance the model allows.
    public var noiseFloor = 1e-9
    /// Keep the noise at the floor instead of fitting it (for deterministic objectives).
    public var fixedNoise = false

    public init() {}
}

/// Fits a Matérn-5/2 kernel's hyperparameters to observations by maximising the marginal
/// likelihood times the priors (a MAP estimate), with bounded L-BFGS from several starts.
public enum KernelFit {
    /// The MAP kernel for `inputs` (unit cube; categorical coordinates hold choice indices) and
    /// standardised `targets`. Starts from the prior's centre and the best of a few draws from
    /// the prior, using `generator`.
    public static func fit(inputs: [[Double]], targets: [Double], categorical: [Bool], prior: KernelPrior = KernelPrior(),
                           starts: Int = 2, draws: Int = 8, maxIterations: Int = 60,
                           using generator: inout SeededGenerator) -> MaternKernel {
        let objective = NegativeLogPosterior(inputs: inputs, targets: targets, categorical: categorical, prior: prior)
        let (lower, upper) = objective.bounds
        var candidates: [[Double]] = [objective.priorCentre]
        for _ in 0..<draws {
            candidates.append(objective.priorDraw(using: &generator))
        }
        let scored = candidates.map { ($0, objective.value(at: $0)) }
            .sorted { ($0.1.isFinite ? $0.1 : .infinity) < ($1.1.isFinite ? $1.1 : .infinity) }
        var best: (x: [Double], value: Double) = (objective.priorCentre, .infinity)
        var options = BoundedLBFGS.Options()
        options.maxIterations = maxIterations
        options.gradientTolerance = 1e-4
        options.relativeTolerance = 1e-9
        for (start, _) in scored.prefix(max(starts, 1)) {
            let result = BoundedLBFGS.minimize(start: start, lower: lower, upper: upper, options: options) {
                objective.valueAndGradient(at: $0)
            }
            if result.value < best.value { best = (result.x, result.value) }
        }
        return objective.kernel(at: best.x)
    }
}

/// −(log marginal likelihood + log prior) as a function of
/// θ = (log λ₁, …, log λ_d, log s, log(noise − floor)), with its gradient.
struct NegativeLogPosterior {
    let n: Int
    let d: Int
    let targets: [Double]
    let categorical: [Bool]
    let prior: KernelPrior
    /// δⱼ(xₐ, x_b) for every pair, one n×n matrix per coordinate.
    let distances: [[Double]]

    init(inputs: [[Double]], targets: [Double], categorical: [Bool], prior: KernelPrior) {
        n = inputs.count
        d = categorical.count
        self.targets = targets
        self.categorical = categorical
        self.prior = prior
        var distances = [[Double]](repeating: [Double](repeating: 0, count: inputs.count * inputs.count), count: categorical.count)
        for j in 0..<categorical.count {
            for a in 0..<inputs.count {
                for b in 0..<a {
                    let delta = MaternKernel.coordinateDistance(inputs[a][j], inputs[b][j], categorical: categorical[j])
                    distances[j][a * inputs.count + b] = delta
                    distances[j][b * inputs.count + a] = delta
                }
            }
        }
        self.distances = distances
    }

    var parameterCount: Int { d + 2 }

    var bounds: (lower: [Double], upper: [Double]) {
        let noiseLow = log(1e-12), noiseHigh = prior.fixedNoise ? log(1e-12) : 0.0
        return ([Double](repeating: -8, count: d) + [-5, noiseLow], [Double](repeating: 12, count: d) + [5, noiseHigh])
    }

    var priorCentre: [Double] {
        [Double](repeating: prior.logInverseSquaredLengthscaleMean, count: d)
            + [prior.logSignalVarianceMean, prior.fixedNoise ? log(1e-12) : prior.logNoiseMean]
    }

    func priorDraw(using generator: inout SeededGenerator) -> [Double] {
        let (lower, upper) = bounds
        var theta = (0..<d).map { _ in
            prior.logInverseSquaredLengthscaleMean + prior.logInverseSquaredLengthscaleSD * generator.nextStandardNormal()
        }
        theta.append(prior.logSignalVarianceMean + prior.logSignalVarianceSD * generator.nextStandardNormal())
        theta.append(prior.logNoiseMean + prior.logNoiseSD * generator.nextStandardNormal())
        return (0..<theta.count).map { min(max(theta[$0], lower[$0]), upper[$0]) }
    }

    func kernel(at theta: [Double]) -> MaternKernel {
        MaternKernel(inverseSquaredLengthscales: theta[0..<d].map { exp($0) }, signalVariance: exp(theta[d]),
                     noiseVariance: prior.noiseFloor + exp(theta[d + 1]), categorical: categorical)
    }

    func value(at theta: [Double]) -> Double {
        evaluate(theta, gradient: false).value
    }

    func valueAndGradient(at theta: [Double]) -> (value: Double, gradient: [Double]) {
        evaluate(theta, gradient: true)
    }

    private func evaluate(_ theta: [Double], gradient wantGradient: Bool) -> (value: Double, gradient: [Double]) {
        let lambdas = theta[0..<d].map { exp($0) }
        let signal = exp(theta[d])
        let noiseExcess = exp(theta[d + 1])
        let noise = prior.noiseFloor + noiseExcess
        // K = s·c(r²) + noise·I, and the slope s·c'(r²) for the gradient.
        var r2 = [Double](repeating: 0, count: n * n)
        for j in 0..<d {
            let lambda = lambdas[j]
            distances[j].withUnsafeBufferPointer { delta in
                for index in 0..<(n * n) { r2[index] += lambda * delta[index] }
            }
        }
        var covariance = [Double](repeating: 0, count: n * n)
        var slope = wantGradient ? [Double](repeating: 0, count: n * n) : []
        for index in 0..<(n * n) {
            covariance[index] = signal * MaternKernel.correlation(squaredDistance: r2[index])
            if wantGradient { slope[index] = signal * MaternKernel.correlationSlope(squaredDistance: r2[index]) }
        }
        let signalCovariance = wantGradient ? covariance : []
        for i in 0..<n { covariance[i * n + i] += noise }
        var logPrior = 0.0
        var priorGradient = [Double](repeating: 0, count: d + 2)
        func addNormal(_ index: Int, mean: Double, sd: Double) {
            let z = (theta[index] - mean) / sd
            logPrior -= 0.5 * z * z
            priorGradient[index] = -z / sd
        }
        for j in 0..<d {
            addNormal(j, mean: prior.logInverseSquaredLengthscaleMean, sd: prior.logInverseSquaredLengthscaleSD)
        }
        addNormal(d, mean: prior.logSignalVarianceMean, sd: prior.logSignalVarianceSD)
        if !prior.fixedNoise { addNormal(d + 1, mean: prior.logNoiseMean, sd: prior.logNoiseSD) }
        guard let cholesky = Cholesky(symmetric: covariance, n: n, maxRelativeJitter: 0) else {
            return (.infinity, [Double](repeating: 0, count: d + 2))
        }
        let alpha = cholesky.solve(targets)
        var fit = 0.0
        for i in 0..<n { fit += targets[i] * alpha[i] }
        let logLikelihood = -0.5 * fit - 0.5 * cholesky.logDeterminant - 0.5 * Double(n) * log(2 * Double.pi)
        let value = -(logLikelihood + logPrior)
        guard wantGradient else { return (value, []) }
        // ∂ log L/∂θ = ½ tr(W ∂K/∂θ) with W = ααᵀ − K⁻¹.
        var w = cholesky.inverse()
        for a in 0..<n { for b in 0..<n { w[a * n + b] = alpha[a] * alpha[b] - w[a * n + b] } }
        var gradient = [Double](repeating: 0, count: d + 2)
        var weightedSlope = [Double](repeating: 0, count: n * n)
        for index in 0..<(n * n) { weightedSlope[index] = w[index] * slope[index] }
        for j in 0..<d {
            var sum = 0.0
            distances[j].withUnsafeBufferPointer { delta in
                for index in 0..<(n * n) { sum += weightedSlope[index] * delta[index] }
            }
            gradient[j] = 0.5 * lambdas[j] * sum
        }
        var signalSum = 0.0, trace = 0.0
        for index in 0..<(n * n) { signalSum += w[index] * signalCovariance[index] }
        for i in 0..<n { trace += w[i * n + i] }
        gradient[d] = 0.5 * signalSum
        gradient[d + 1] = prior.fixedNoise ? 0 : 0.5 * noiseExcess * trace
        return (value, (0..<(d + 2)).map { -(gradient[$0] + priorGradient[$0]) })
    }
}
