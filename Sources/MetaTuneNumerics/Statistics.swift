import Foundation

/// Summary statistics used by pruners, benchmarks and reports.
public enum Statistics {
    /// The median of `values` (mean of the two middle values for an even count); nil when empty.
    public static func median(_ values: [Double]) -> Double? {
        percentile(values, 50)
    }

    /// The `q`-th percentile (0...100) with linear interpolation between order statistics,
    /// as numpy's default; nil when `values` is empty.
    public static func percentile(_ values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let position = (q / 100) * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }

    /// The rank of each value, 0-based, ties sharing their mean rank.
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            for k in start...end { ranks[order[k]] = Double(start + end) / 2 }
            start = end + 1
        }
        return ranks
    }

    /// Spearman's rank correlation of two samples of the same size (at least 2); 0 when either
    /// is constant.
    public static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count && a.count > 1, "spearman needs two samples of the same size, at least 2")
        let ra = averageRanks(a), rb = averageRanks(b)
        let ma = ra.reduce(0, +) / Double(ra.count), mb = rb.reduce(0, +) / Double(rb.count)
        var covariance = 0.0, va = 0.0, vb = 0.0
        for i in ra.indices {
            covariance += (ra[i] - ma) * (rb[i] - mb)
            va += (ra[i] - ma) * (ra[i] - ma)
            vb += (rb[i] - mb) * (rb[i] - mb)
        }
        return va > 0 && vb > 0 ? covariance / (va * vb).squareRoot() : 0
    }

    /// The values shifted and scaled to mean 0 and (population) standard deviation 1; only
    /// shifted when they are all equal.
    public static func standardized(_ values: [Double]) -> [Double] {
        guard !values.isEmpty else { return [] }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        let sd = variance > 0 ? variance.squareRoot() : 1
        return values.map { ($0 - mean) / sd }
    }
}

/// Functions of the standard normal distribution.
public enum Normal {
    /// log(1/sqrt(2π)).
    public static let logInverseSqrt2Pi = -0.5 * Foundation.log(2 * Double.pi)

    /// The cumulative distribution function Φ(x).
    @inlinable
    public static func cdf(_ x: Double) -> Double {
        0.5 * Foundation.erfc(-x / 2.0.squareRoot())
    }

    /// log Φ(x), accurate far into the lower tail.
    public static func logCDF(_ x: Double) -> Double {
        if x > -5 { return Foundation.log(cdf(x)) }
        // Asymptotic expansion of the Mills ratio for the far tail.
        let x2 = x * x
        var series = 1.0
        var term = 1.0
        for k in 1...6 {
            term *= -Double(2 * k - 1) / x2
            series += term
        }
        return -0.5 * x2 - Foundation.log(-x) + logInverseSqrt2Pi + Foundation.log(series)
    }

    /// The quantile function Φ⁻¹(p) for p in (0, 1) (Acklam's rational approximation refined by
    /// one Halley step; relative error below 1e-12).
    public static func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "quantile needs 0 < p < 1")
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * Foundation.log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * Foundation.log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = cdf(x) - p
        let u = e * (2 * Double.pi).squareRoot() * Foundation.exp(0.5 * x * x)
        x -= u / (1 + 0.5 * x * u)
        return x
    }
}
