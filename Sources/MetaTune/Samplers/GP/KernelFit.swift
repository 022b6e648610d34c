import Foundation
import MetaTuneNumerics

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
    /// standardised `targets`. Runs L-BFGS from `warmStart` (typically the previous fit on
    /// fewer observations), when given, and from the best of the prior's centre and a few draws
    /// from the prior (made with `generator`), `starts` runs in all.
    public static func fit(inputs: [[Double]], targets: [Double], categorical: [Bool], prior: KernelPrior = KernelPrior(),
                           warmStart: MaternKernel? = nil, starts: Int = 2, draws: Int = 8, maxIterations: Int = 60,
                           using generator: inout SeededGenerator) -> MaternKernel {
        let objective = NegativeLogPosterior(inputs: inputs, targets: targets, categorical: categorical, prior: prior)
        let (lower, upper) = objective.bounds
        var candidates: [[Double]] = [objective.priorCentre]
        for _ in 0..<draws {
            candidates.append(objective.priorDraw(using: &generator))
        }
        let scored = candidates.map { ($0, objective.value(at: $0)) }
            .sorted { ($0.1.isFinite ? $0.1 : .infinity) < ($1.1.isFinite ? $1.1 : .infinity) }
        var startPoints = scored.map(\.0)
        if let warmStart, warmStart.categorical == categorical {
            startPoints.insert(objective.parameters(of: warmStart), at: 0)
        }
        var best: (x: [Double], value: Double) = (objective.priorCentre, .infinity)
        var options = BoundedLBFGS.Options()
        options.maxIterations = maxIterations
        options.gradientTolerance = 1e-4
        options.relativeTolerance = 1e-9
        for start in startPoints.prefix(max(starts, 1)) {
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
///
/// Pairwise quantities are kept for the strict lower triangle only (pair p = (a, b), a > b, in
/// row order), since every matrix involved is symmetric with a known diagonal.
struct NegativeLogPosterior {
    let n: Int
    let d: Int
    let targets: [Double]
    let categorical: [Bool]
    let prior: KernelPrior
    /// δⱼ(xₐ, x_b) for every pair a > b, one packed triangle per coordinate.
    let distances: [[Double]]

    init(inputs: [[Double]], targets: [Double], categorical: [Bool], prior: KernelPrior) {
        n = inputs.count
        d = categorical.count
        self.targets = targets
        self.categorical = categorical
        self.prior = prior
        let pairs = inputs.count * (inputs.count - 1) / 2
        var distances = [[Double]](repeating: [Double](repeating: 0, count: pairs), count: categorical.count)
        for j in 0..<categorical.count {
            var pair = 0
            for a in 0..<inputs.count {
                for b in 0..<a {
                    distances[j][pair] = MaternKernel.coordinateDistance(inputs[a][j], inputs[b][j], categorical: categorical[j])
                    pair += 1
                }
            }
        }
        self.distances = distances
    }

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

    /// θ for a kernel, within the bounds.
    func parameters(of kernel: MaternKernel) -> [Double] {
        let (lower, upper) = bounds
        let theta = kernel.inverseSquaredLengthscales.map { log($0) }
            + [log(kernel.signalVariance), log(max(kernel.noiseVariance - prior.noiseFloor, 1e-300))]
        return (0..<theta.count).map { min(max(theta[$0], lower[$0]), upper[$0]) }
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
        let pairs = n * (n - 1) / 2
        var r2 = [Double](repeating: 0, count: pairs)
        for j in 0..<d {
            let lambda = lambdas[j]
            distances[j].withUnsafeBufferPointer { delta in
                for p in 0..<pairs { r2[p] += lambda * delta[p] }
            }
        }
        // K = s·c(r²) + noise·I (full, for LAPACK); per pair, s·c(r²) and the slope s·c'(r²).
        var covariance = [Double](repeating: 0, count: n * n)
        var pairCovariance = [Double](repeating: 0, count: wantGradient ? pairs : 0)
        var pairSlope = [Double](repeating: 0, count: wantGradient ? pairs : 0)
        var p = 0
        for a in 0..<n {
            covariance[a * n + a] = signal + noise
            for b in 0..<a {
                let (c, slope) = MaternKernel.correlationAndSlope(squaredDistance: r2[p])
                covariance[a * n + b] = signal * c
                covariance[b * n + a] = signal * c
                if wantGradient {
                    pairCovariance[p] = signal * c
                    pairSlope[p] = signal * slope
                }
                p += 1
            }
        }
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
        // ∂ log L/∂θ = ½ tr(W ∂K/∂θ) with W = ααᵀ − K⁻¹; each off-diagonal pair counts twice.
        let inverse = cholesky.inverse()
        var pairW = [Double](repeating: 0, count: pairs)
        var signalSum = 0.0, trace = 0.0
        p = 0
        for a in 0..<n {
            let diagonal = alpha[a] * alpha[a] - inverse[a * n + a]
            trace += diagonal
            signalSum += diagonal * signal
            for b in 0..<a {
                let w = alpha[a] * alpha[b] - inverse[a * n + b]
                pairW[p] = w
                signalSum += 2 * w * pairCovariance[p]
                p += 1
            }
        }
        var gradient = [Double](repeating: 0, count: d + 2)
        for p in 0..<pairs { pairW[p] *= pairSlope[p] }
        for j in 0..<d {
            var sum = 0.0
            distances[j].withUnsafeBufferPointer { delta in
                for p in 0..<pairs { sum += pairW[p] * delta[p] }
            }
            gradient[j] = lambdas[j] * sum
        }
        gradient[d] = 0.5 * signalSum
        gradient[d + 1] = prior.fixedNoise ? 0 : 0.5 * noiseExcess * trace
        return (value, (0..<(d + 2)).map { -(gradient[$0] + priorGradient[$0]) })
    }
}
