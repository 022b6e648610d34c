import Foundation
import MetaTuneNumerics

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
    /// The magic clip's floor on kernel widths is range / min(100, count + 2), where count is the
    /// number of observations or, if larger, this number.
    var minimumBandwidthCount: Double = 0
}

/// A mixture of product kernels, one per observation (plus a wide prior kernel): truncated
/// normals on numeric axes and smoothed one-hot distributions on categorical axes.
///
/// Numeric kernel parameters are stored flat and kernel-major, so that scoring a candidate is
/// one tight pass over the kernels.
struct ParzenEstimator {
    let axes: [TPEAxis]
    let kernelCount: Int
    private var weights: [Double]
    /// Positions (in `axes`) of the numeric axes, and of the categorical ones with their sizes.
    private var numericAxes: [Int] = []
    private var categoricalAxes: [(axis: Int, count: Int)] = []
    /// Kernel-major numeric parameters: entry k * numericAxes.count + d.
    private var mus: [Double] = []
    private var sigmas: [Double] = []
    private var inverseSigmas: [Double] = []
    /// Per kernel: log weight − Σ over numeric axes of (log σ + log truncation mass).
    private var kernelConstants: [Double]
    /// Per categorical axis: log probability of choice c under kernel k at [k * count + c].
    private var logProbabilities: [[Double]] = []

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
        kernelConstants = weights.map { Foundation.log($0) }

        for (a, axis) in axes.enumerated() {
            if case .numeric = axis.kind { numericAxes.append(a) }
        }
        let dimension = numericAxes.count
        mus = [Double](repeating: 0, count: kernelCount * dimension)
        sigmas = mus
        for (a, axis) in axes.enumerated() {
            let column = observations.map { $0[a] }
            switch axis.kind {
            case let .numeric(low, high, _):
                let d = numericAxes.firstIndex(of: a)!
                var kernelSigmas = Self.bandwidths(mus: column, low: low, high: high, settings: settings)
                if withPrior { kernelSigmas.append(high - low) }
                var lastSigma = -1.0, lastLogSigma = 0.0
                for k in 0..<kernelCount {
                    let mu = k < n ? column[k] : 0.5 * (low + high)
                    let sigma = kernelSigmas[k]
                    if sigma != lastSigma { (lastSigma, lastLogSigma) = (sigma, Foundation.log(sigma)) }
                    mus[k * dimension + d] = mu
                    sigmas[k * dimension + d] = sigma
                    kernelConstants[k] -= lastLogSigma + Self.logTruncatedMass(mu: mu, sigma: sigma, low: low, high: high)
                }
            case let .categorical(count):
                categoricalAxes.append((a, count))
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
        inverseSigmas = sigmas.map { 1 / $0 }
    }

    /// Kernel widths for one numeric axis (not including the prior kernel): each observation's
    /// larger gap to its sorted neighbours, the bounds acting as the outer neighbours (with
    /// `considerEndpoints`, or when there is a single observation), clipped to
    /// [range / min(100, count + 2), range] so that kernels neither vanish nor outgrow the space.
    static func bandwidths(mus: [Double], low: Double, high: Double, settings: ParzenSettings) -> [Double] {
        let n = mus.count
        if n == 0 { return [] }
        let range = high - low
        let clipCount = max(Double(n), settings.minimumBandwidthCount)
        let minSigma = settings.considerMagicClip ? range / min(100, clipCount + 2) : 1e-12
        let useBounds = settings.considerEndpoints || n == 1
        if settings.considerMagicClip {
            return bucketedBandwidths(mus: mus, low: low, high: high, minSigma: minSigma, useBounds: useBounds)
        }
        var order = mus.enumerated().map { IndexedValue(value: $0.element, index: Int32($0.offset)) }
        IndexedValue.sort(&order)
        var sigmas = [Double](repeating: 0, count: n)
        for rank in 0..<n {
            let mu = order[rank].value
            let left = rank > 0 ? mu - order[rank - 1].value : (useBounds ? mu - low : 0)
            let right = rank < n - 1 ? order[rank + 1].value - mu : (useBounds ? high - mu : 0)
            sigmas[Int(order[rank].index)] = min(max(max(left, right), minSigma), range)
        }
        return sigmas
    }

    /// The same widths in linear time, without sorting. With buckets narrower than `minSigma`,
    /// every gap inside a bucket is clipped away, so only each bucket's first point (by value,
    /// then position) can have a wider left gap — to the previous non-empty bucket's last point —
    /// and only its last point a wider right gap. On long studies this removes the sort that
    /// dominated the cost of a TPE ask.
    private static func bucketedBandwidths(mus: [Double], low: Double, high: Double, minSigma: Double,
                                           useBounds: Bool) -> [Double] {
        let n = mus.count
        let range = high - low
        let bucketCount = 128  // > 100 ≥ range / minSigma, so a bucket is narrower than minSigma
        var firstIndex = [Int](repeating: -1, count: bucketCount)
        var lastIndex = [Int](repeating: -1, count: bucketCount)
        var bucketOf = [Int](repeating: 0, count: n)
        let scale = Double(bucketCount) / range
        for (index, mu) in mus.enumerated() {
            let bucket = min(max(Int((mu - low) * scale), 0), bucketCount - 1)
            bucketOf[index] = bucket
            if firstIndex[bucket] < 0 || mu < mus[firstIndex[bucket]] { firstIndex[bucket] = index }
            if lastIndex[bucket] < 0 || mu >= mus[lastIndex[bucket]] { lastIndex[bucket] = index }
        }
        // The value just before each bucket (last point of the previous non-empty bucket) and after it.
        var previousValue = [Double?](repeating: nil, count: bucketCount)
        var nextValue = [Double?](repeating: nil, count: bucketCount)
        var running: Double? = nil
        for bucket in 0..<bucketCount {
            previousValue[bucket] = running
            if lastIndex[bucket] >= 0 { running = mus[lastIndex[bucket]] }
        }
        running = nil
        for bucket in stride(from: bucketCount - 1, through: 0, by: -1) {
            nextValue[bucket] = running
            if firstIndex[bucket] >= 0 { running = mus[firstIndex[bucket]] }
        }
        var sigmas = [Double](repeating: minSigma, count: n)
        for index in 0..<n {
            let bucket = bucketOf[index]
            let mu = mus[index]
            var gap = 0.0
            if firstIndex[bucket] == index {
                gap = max(gap, previousValue[bucket].map { mu - $0 } ?? (useBounds ? mu - low : 0))
            }
            if lastIndex[bucket] == index {
                gap = max(gap, nextValue[bucket].map { $0 - mu } ?? (useBounds ? high - mu : 0))
            }
            sigmas[index] = min(max(gap, minSigma), range)
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
        let dimension = numericAxes.count
        var points: [[Double]] = []
        points.reserveCapacity(count)
        for _ in 0..<count {
            let u = generator.nextUniform() * running
            var lo = 0, hi = kernelCount - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] > u { hi = mid } else { lo = mid + 1 }
            }
            let k = lo
            var point = [Double](repeating: 0, count: axes.count)
            for (d, a) in numericAxes.enumerated() {
                guard case let .numeric(low, high, _) = axes[a].kind else { continue }
                point[a] = Self.truncatedNormal(mu: mus[k * dimension + d], sigma: sigmas[k * dimension + d],
                                                low: low, high: high, using: &generator)
            }
            for (c, entry) in categoricalAxes.enumerated() {
                var v = generator.nextUniform()
                var chosen = entry.count - 1
                for choice in 0..<entry.count {
                    v -= Foundation.exp(logProbabilities[c][k * entry.count + choice])
                    if v < 0 { chosen = choice; break }
                }
                point[entry.axis] = Double(chosen)
            }
            points.append(point)
        }
        return points
    }

    /// log density of the mixture at each point (same layout as `sample`'s result).
    func logDensity(_ points: [[Double]]) -> [Double] {
        let dimension = numericAxes.count
        let constant = Normal.logInverseSqrt2Pi * Double(dimension)
        var terms = [Double](repeating: 0, count: kernelCount)
        var x = [Double](repeating: 0, count: dimension)
        var choices = [Int](repeating: 0, count: categoricalAxes.count)
        return points.map { point in
            for (d, a) in numericAxes.enumerated() { x[d] = point[a] }
            for (c, entry) in categoricalAxes.enumerated() { choices[c] = Int(point[entry.axis]) }
            var peak = -Double.infinity
            mus.withUnsafeBufferPointer { mu in
                inverseSigmas.withUnsafeBufferPointer { inverseSigma in
                    kernelConstants.withUnsafeBufferPointer { kernelConstant in
                        terms.withUnsafeMutableBufferPointer { term in
                            for k in 0..<kernelCount {
                                var t = kernelConstant[k]
                                let base = k * dimension
                                for d in 0..<dimension {
                                    let z = (x[d] - mu[base + d]) * inverseSigma[base + d]
                                    t -= 0.5 * z * z
                                }
                                term[k] = t
                                if t > peak { peak = t }
                            }
                        }
                    }
                }
            }
            if !categoricalAxes.isEmpty {
                peak = -Double.infinity
                for k in 0..<kernelCount {
                    for (c, entry) in categoricalAxes.enumerated() {
                        terms[k] += logProbabilities[c][k * entry.count + choices[c]]
                    }
                    peak = max(peak, terms[k])
                }
            }
            guard peak > -Double.infinity else { return -Double.infinity }
            var sum = 0.0
            for t in terms {
                let shifted = t - peak
                if shifted > -40 { sum += Foundation.exp(shifted) }  // smaller terms are below double precision
            }
            return peak + Foundation.log(sum) + constant
        }
    }

    /// log of the mass of N(mu, sigma²) inside [low, high]; exactly 0 when both bounds are more
    /// than 8.5 standard deviations away (the missing mass is below 1e-17).
    private static func logTruncatedMass(mu: Double, sigma: Double, low: Double, high: Double) -> Double {
        let a = (low - mu) / sigma, b = (high - mu) / sigma
        if a < -8.5 && b > 8.5 { return 0 }
        return Foundation.log(max(Normal.cdf(b) - Normal.cdf(a), 1e-300))
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

/// A value with its original position, ordered by value then position (a cheap sort key).
private struct IndexedValue: Comparable {
    let value: Double
    let index: Int32

    static func < (a: IndexedValue, b: IndexedValue) -> Bool {
        a.value < b.value || (a.value == b.value && a.index < b.index)
    }

    /// Sorts in place: a plain quicksort (median-of-three pivot) finished by insertion sort,
    /// several times faster here than the standard library's generic stable sort, which
    /// dominated the cost of a TPE ask on long studies.
    static func sort(_ values: inout [IndexedValue]) {
        values.withUnsafeMutableBufferPointer { buffer in
            quicksort(buffer, 0, buffer.count - 1)
        }
    }

    private static func quicksort(_ a: UnsafeMutableBufferPointer<IndexedValue>, _ low: Int, _ high: Int) {
        var low = low, high = high
        while high - low > 16 {
            let mid = low + (high - low) / 2
            if a[mid] < a[low] { a.swapAt(mid, low) }
            if a[high] < a[low] { a.swapAt(high, low) }
            if a[high] < a[mid] { a.swapAt(high, mid) }
            let pivot = a[mid]
            var i = low, j = high
            while i <= j {
                while a[i] < pivot { i += 1 }
                while pivot < a[j] { j -= 1 }
                if i <= j {
                    a.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Recurse into the smaller part, loop on the larger one.
            if j - low < high - i {
                quicksort(a, low, j)
                low = i
            } else {
                quicksort(a, i, high)
                high = j
            }
        }
        if high > low {
            for k in (low + 1)...high {
                let item = a[k]
                var m = k - 1
                while m >= low && item < a[m] {
                    a[m + 1] = a[m]
                    m -= 1
                }
                a[m + 1] = item
            }
        }
    }
}
