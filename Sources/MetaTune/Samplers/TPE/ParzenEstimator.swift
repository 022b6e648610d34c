import Foundation
import Numerics

/// How one parameter appears to a Parzen estimator: a numeric axis in a (possibly log-)
/// transformed space with bounds, or a categorical with its number of choices.
struct TPEAxis {
    enum Kind {
        case numeric(low: Double, high: Double, log: Bool)
        case categorical(count: Int)
    }

    let name: String
    let distribution: Distribution
    let kind: Kind

    init(name: String, distribution: Distribution) {
        self.name = name
        self.distribution = distribution
        switch distribution {
        case .float(let d):
            let half = (d.step ?? 0) / 2
            kind = d.log ? .numeric(low: Foundation.log(d.low), high: Foundation.log(d.high), log: true)
                         : .numeric(low: d.low - half, high: d.high + half, log: false)
        case .int(let d):
            let half = Double(d.step) / 2
            kind = d.log ? .numeric(low: Foundation.log(Double(d.low) - half), high: Foundation.log(Double(d.high) + half), log: true)
                         : .numeric(low: Double(d.low) - half, high: Double(d.high) + half, log: false)
        case .categorical(let d):
            kind = .categorical(count: d.choices.count)
        }
    }

    /// The internal representation moved into the estimator's space (log applied).
    func transform(_ raw: Double) -> Double {
        if case .numeric(_, _, true) = kind { return Foundation.log(raw) }
        return raw
    }

    /// A point of the estimator's space turned into a parameter value (snapped and clamped).
    func value(at x: Double) -> ParamValue {
        if case .numeric(_, _, true) = kind { return distribution.externalValue(Foundation.exp(x)) }
        return distribution.externalValue(x)
    }
}

/// Settings shared by the Parzen estimators of one TPE sampler.
struct ParzenSettings {
    var priorWeight: Double
    var considerPrior: Bool
    var considerMagicClip: Bool
    var considerEndpoints: Bool
}

/// A mixture of product kernels, one per observation (plus a wide prior kernel): truncated
/// normals on numeric axes and smoothed one-hot distributions on categorical axes.
///
/// Data are stored flat, kernel-major, so that scoring candidates is a tight loop.
struct ParzenEstimator {
    let axes: [TPEAxis]
    let kernelCount: Int
    /// log of the normalised mixture weight of each kernel.
    private(set) var logWeights: [Double]
    private var weights: [Double]
    /// Per numeric axis a: mus[a][k], sigmas[a][k], logNormalizer[a][k] = log σ + log Z (truncation mass).
    private var mus: [[Double]] = []
    private var sigmas: [[Double]] = []
    private var logNormalizers: [[Double]] = []
    /// Per categorical axis: logProbabilities[a][k * count + c].
    private var logProbabilities: [[Double]] = []
    /// For each axis, its index among numeric or categorical axes.
    private var slot: [Int] = []

    /// Builds the estimator from observations (`observations[i][a]` in the estimator's space for
    /// axis a) and their weights (same order).
    init(axes: [TPEAxis], observations: [[Double]], observationWeights: [Double], settings: ParzenSettings) {
        self.axes = axes
        let n = observations.count
        let withPrior = settings.considerPrior || n == 0
        kernelCount = n + (withPrior ? 1 : 0)
        var raw = observationWeights
        if withPrior { raw.append(settings.priorWeight) }
        let total = raw.reduce(0, +)
        weights = raw.map { $0 / total }
        logWeights = weights.map { Foundation.log($0) }

        for (a, axis) in axes.enumerated() {
            let column = observations.map { $0[a] }
            switch axis.kind {
            case let .numeric(low, high, _):
                slot.append(mus.count)
                var kernelMus = column
                if withPrior { kernelMus.append(0.5 * (low + high)) }
                var kernelSigmas = Self.bandwidths(mus: column, low: low, high: high, settings: settings)
                if withPrior { kernelSigmas.append(high - low) }
                let normalizers = zip(kernelMus, kernelSigmas).map { mu, sigma in
                    let mass = Normal.cdf((high - mu) / sigma) - Normal.cdf((low - mu) / sigma)
                    return Foundation.log(sigma) + Foundation.log(max(mass, 1e-300))
                }
                mus.append(kernelMus)
                sigmas.append(kernelSigmas)
                logNormalizers.append(normalizers)
            case let .categorical(count):
                slot.append(logProbabilities.count)
                var table = [Double](repeating: 0, count: kernelCount * count)
                let smoothing = settings.priorWeight / Double(kernelCount)
                for k in 0..<kernelCount {
                    let observed = k < n ? Int(column[k]) : -1
                    let rowTotal = smoothing * Double(count) + (observed >= 0 ? 1 : 0)
                    for c in 0..<count {
                        let mass = smoothing + (c == observed ? 1 : 0)
                        table[k * count + c] = Foundation.log(mass / rowTotal)
                    }
                }
                logProbabilities.append(table)
            }
        }
    }

    /// Kernel widths for one numeric axis (not including the prior kernel): each observation's
    /// larger gap to its sorted neighbours, the bounds acting as the outer neighbours (with
    /// `considerEndpoints`, or when there is a single observation), clipped to
    /// [range / min(100, n + 2), range] so that kernels neither vanish nor outgrow the space.
    private static func bandwidths(mus: [Double], low: Double, high: Double, settings: ParzenSettings) -> [Double] {
        let n = mus.count
        if n == 0 { return [] }
        let range = high - low
        let minSigma = settings.considerMagicClip ? range / min(100, Double(n) + 2) : 1e-12
        let order = mus.indices.sorted { mus[$0] < mus[$1] }
        let useBounds = settings.considerEndpoints || n == 1
        var sigmas = [Double](repeating: 0, count: n)
        for (rank, index) in order.enumerated() {
            let left = rank > 0 ? mus[index] - mus[order[rank - 1]] : (useBounds ? mus[index] - low : 0)
            let right = rank < n - 1 ? mus[order[rank + 1]] - mus[index] : (useBounds ? high - mus[index] : 0)
            sigmas[index] = min(max(max(left, right), minSigma), range)
        }
        return sigmas
    }

    /// Draws `count` points (each a value per axis, in the estimator's space).
    func sample(count: Int, using generator: inout SeededGenerator) -> [[Double]] {
        var cumulative = [Double](repeating: 0, count: kernelCount)
        var running = 0.0
        for k in 0..<kernelCount {
            running += weights[k]
            cumulative[k] = running
        }
        var points: [[Double]] = []
        points.reserveCapacity(count)
        for _ in 0..<count {
            let u = generator.nextUniform() * running
            var k = 0
            var lo = 0, hi = kernelCount - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
            }
            k = lo
            var point = [Double](repeating: 0, count: axes.count)
            for (a, axis) in axes.enumerated() {
                switch axis.kind {
                case let .numeric(low, high, _):
                    point[a] = Self.truncatedNormal(mu: mus[slot[a]][k], sigma: sigmas[slot[a]][k], low: low, high: high,
                                                    using: &generator)
                case let .categorical(choiceCount):
                    let table = logProbabilities[slot[a]]
                    var v = generator.nextUniform()
                    var chosen = choiceCount - 1
                    for c in 0..<choiceCount {
                        v -= Foundation.exp(table[k * choiceCount + c])
                        if v < 0 { chosen = c; break }
                    }
                    point[a] = Double(chosen)
                }
            }
            points.append(point)
        }
        return points
    }

    /// log density of the mixture at each point (same layout as `sample`'s result).
    func logDensity(_ points: [[Double]]) -> [Double] {
        var result = [Double](repeating: 0, count: points.count)
        var terms = [Double](repeating: 0, count: kernelCount)
        for (p, point) in points.enumerated() {
            for k in 0..<kernelCount { terms[k] = logWeights[k] }
            for (a, axis) in axes.enumerated() {
                let x = point[a]
                switch axis.kind {
                case .numeric:
                    let s = slot[a]
                    mus[s].withUnsafeBufferPointer { mu in
                        sigmas[s].withUnsafeBufferPointer { sigma in
                            logNormalizers[s].withUnsafeBufferPointer { norm in
                                for k in 0..<kernelCount {
                                    let z = (x - mu[k]) / sigma[k]
                                    terms[k] += -0.5 * z * z - norm[k]
                                }
                            }
                        }
                    }
                case let .categorical(count):
                    let c = Int(x)
                    let table = logProbabilities[slot[a]]
                    for k in 0..<kernelCount { terms[k] += table[k * count + c] }
                }
            }
            result[p] = Self.logSumExp(terms) + Normal.logInverseSqrt2Pi * Double(numericAxisCount)
        }
        return result
    }

    private var numericAxisCount: Int { mus.count }

    private static func logSumExp(_ values: [Double]) -> Double {
        guard let peak = values.max(), peak > -Double.infinity else { return -Double.infinity }
        var sum = 0.0
        for value in values { sum += Foundation.exp(value - peak) }
        return peak + Foundation.log(sum)
    }

    /// A draw from N(mu, sigma²) truncated to [low, high], by inverting the CDF.
    private static func truncatedNormal(mu: Double, sigma: Double, low: Double, high: Double,
                                        using generator: inout SeededGenerator) -> Double {
        let a = Normal.cdf((low - mu) / sigma)
        let b = Normal.cdf((high - mu) / sigma)
        if b - a > 1e-12 {
            let p = a + generator.nextUniform() * (b - a)
            if p > 0 && p < 1 {
                return (mu + sigma * Normal.quantile(p)).clamped(low, high)
            }
        }
        // The kernel's mass inside the bounds is negligible: fall back to rejection-free clamping.
        return (mu + sigma * generator.nextStandardNormal()).clamped(low, high)
    }
}
