import Foundation
import MetaTuneNumerics

/// The state of a (μ/μ_w, λ)-CMA-ES on the unit cube, following Hansen's tutorial ("The CMA
/// Evolution Strategy: A Tutorial", 2016) with its default parameters: weighted recombination of
/// the better half, cumulative step-size adaptation, and rank-one plus (active) rank-μ covariance
/// updates.
struct CMAState: Sendable {
    let dimension: Int
    let lambda: Int
    /// The weights of the ranked points: positive for the best μ (summing to 1, they move the
    /// mean), negative for the rest (active covariance update, as in the tutorial's defaults).
    private let weights: [Double]
    /// μ: how many points recombine into the mean.
    private let recombination: Int
    private let muEff: Double
    private let cSigma: Double
    private let dSigma: Double
    private let cC: Double
    private let c1: Double
    private let cMu: Double
    /// E‖N(0, I)‖.
    private let chiN: Double

    private(set) var mean: [Double]
    private(set) var sigma: Double
    private var covariance: [[Double]]
    private var pathSigma: [Double]
    private var pathC: [Double]
    /// Generations completed since the (re)start.
    private var generation = 0
    /// B·D (columns: eigenvectors scaled by the square roots of the eigenvalues of C).
    private var bd: [[Double]] = []
    /// C^(-1/2) = B·D⁻¹·Bᵀ.
    private var inverseSqrt: [[Double]] = []
    /// The largest and smallest eigenvalues of C.
    private(set) var eigenRange: (min: Double, max: Double) = (1, 1)

    /// The default population size 4 + ⌊3 ln n⌋.
    static func defaultLambda(dimension: Int) -> Int {
        4 + Int((3 * log(Double(max(dimension, 1)))).rounded(.down))
    }

    init(mean: [Double], sigma: Double, lambda: Int) {
        let n = mean.count
        let nd = Double(n)
        dimension = n
        self.lambda = lambda
        let mu = lambda / 2
        let raw = (1...lambda).map { log((Double(lambda) + 1) / 2) - log(Double($0)) }
        let positive = raw.prefix(mu), negative = raw.dropFirst(mu)
        let positiveSum = positive.reduce(0, +), negativeSum = -negative.reduce(0, +)
        muEff = positiveSum * positiveSum / positive.reduce(0) { $0 + $1 * $1 }
        let negativeSquares = negative.reduce(0) { $0 + $1 * $1 }
        let muEffMinus = negativeSquares > 0 ? negativeSum * negativeSum / negativeSquares : 0
        cSigma = (muEff + 2) / (nd + muEff + 5)
        dSigma = 1 + 2 * max(0, ((muEff - 1) / (nd + 1)).squareRoot() - 1) + cSigma
        cC = (4 + muEff / nd) / (nd + 4 + 2 * muEff / nd)
        c1 = 2 / ((nd + 1.3) * (nd + 1.3) + muEff)
        cMu = min(1 - c1, 2 * (muEff - 2 + 1 / muEff) / ((nd + 2) * (nd + 2) + muEff))
        let negativeScale = min(1 + c1 / cMu, 1 + 2 * muEffMinus / (muEff + 2), (1 - c1 - cMu) / (nd * cMu))
        weights = raw.map { $0 >= 0 ? $0 / positiveSum : negativeScale * $0 / max(negativeSum, 1e-300) }
        recombination = mu
        chiN = nd.squareRoot() * (1 - 1 / (4 * nd) + 1 / (21 * nd * nd))
        self.mean = mean
        self.sigma = sigma
        covariance = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        pathSigma = [Double](repeating: 0, count: n)
        pathC = [Double](repeating: 0, count: n)
        decompose()
    }

    /// A draw of N(m, σ²C) inside the unit cube: up to `attempts` draws, then the last one clipped.
    func sample(using generator: inout SeededGenerator, attempts: Int = 100) -> [Double] {
        var x = mean
        for _ in 0..<attempts {
            let z = (0..<dimension).map { _ in generator.nextStandardNormal() }
            for i in 0..<dimension {
                var y = 0.0
                for k in 0..<dimension { y += bd[i][k] * z[k] }
                x[i] = mean[i] + sigma * y
            }
            if x.allSatisfy({ $0 >= 0 && $0 <= 1 }) { return x }
        }
        return x.map { $0.clamped(0, 1) }
    }

    /// One generation's update from its λ points and losses (any order).
    /// `injected[i]` marks a point the state did not generate itself; its step is shortened to
    /// a plausible Mahalanobis length (the tutorial's rule for injected solutions).
    mutating func update(points: [[Double]], losses: [Double], injected: [Bool]) {
        let n = dimension
        let order = losses.indices.sorted { (losses[$0], $0) < (losses[$1], $1) }
        let limit = chiN + 2 * Double(n) / Double(n + 2)
        var steps: [[Double]] = []
        var inverseLengths: [Double] = []
        for index in order.prefix(weights.count) {
            var y = (0..<n).map { (points[index][$0] - mean[$0]) / sigma }
            var length = norm(multiply(inverseSqrt, y))
            if injected[index] && length > limit {
                y = y.map { $0 * limit / length }
                length = limit
            }
            steps.append(y)
            inverseLengths.append(length > 0 ? Double(n) / (length * length) : 0)
        }
        var yw = [Double](repeating: 0, count: n)
        for (w, y) in zip(weights.prefix(recombination), steps) { for i in 0..<n { yw[i] += w * y[i] } }
        for i in 0..<n { mean[i] += sigma * yw[i] }

        let whitened = multiply(inverseSqrt, yw)
        let sigmaFactor = (cSigma * (2 - cSigma) * muEff).squareRoot()
        for i in 0..<n { pathSigma[i] = (1 - cSigma) * pathSigma[i] + sigmaFactor * whitened[i] }
        generation += 1
        let pathNorm = norm(pathSigma)
        let correction = (1 - pow(1 - cSigma, 2 * Double(generation))).squareRoot()
        let hSigma = pathNorm / correction < (1.4 + 2 / (Double(n) + 1)) * chiN ? 1.0 : 0.0
        let cFactor = (cC * (2 - cC) * muEff).squareRoot()
        for i in 0..<n { pathC[i] = (1 - cC) * pathC[i] + hSigma * cFactor * yw[i] }

        let delta = (1 - hSigma) * cC * (2 - cC)
        let keep = 1 + c1 * delta - c1 - cMu * weights.reduce(0, +)
        // Negative weights act on steps rescaled to length √n in the metric of C.
        let rankWeights = zip(weights, inverseLengths).map { $0 >= 0 ? $0 : $0 * $1 }
        for i in 0..<n {
            for j in 0...i {
                var rankMu = 0.0
                for (w, y) in zip(rankWeights, steps) { rankMu += w * y[i] * y[j] }
                let value = keep * covariance[i][j] + c1 * pathC[i] * pathC[j] + cMu * rankMu
                covariance[i][j] = value
                covariance[j][i] = value
            }
        }
        sigma *= exp(min(1, (cSigma / dSigma) * (pathNorm / chiN - 1)))
        decompose()
    }

    /// Refreshes B·D, C^(-1/2) and the eigenvalue range from C.
    private mutating func decompose() {
        let n = dimension
        let eigen = SymmetricEigen(covariance)
        let values = eigen.values.map { max($0, 1e-300) }
        let roots = values.map { $0.squareRoot() }
        bd = (0..<n).map { i in (0..<n).map { k in eigen.vectors[i][k] * roots[k] } }
        inverseSqrt = (0..<n).map { i in
            (0..<n).map { j in
                var sum = 0.0
                for k in 0..<n { sum += eigen.vectors[i][k] * eigen.vectors[j][k] / roots[k] }
                return sum
            }
        }
        eigenRange = (values.min() ?? 1, values.max() ?? 1)
    }

    private func multiply(_ matrix: [[Double]], _ vector: [Double]) -> [Double] {
        matrix.map { row in zip(row, vector).reduce(0) { $0 + $1.0 * $1.1 } }
    }

    private func norm(_ vector: [Double]) -> Double {
        vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }
}
