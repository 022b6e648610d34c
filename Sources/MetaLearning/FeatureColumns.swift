import Foundation
import Neural
import MetaTuneNumerics

/// Per-column statistics of a data set's features: moment summaries and the spectrum of the
/// correlation matrix.
struct FeatureColumns {
    let rows: Int
    let count: Int
    let means: [Double]
    let deviations: [Double]
    private let dataset: Dataset

    init(_ dataset: Dataset) {
        self.dataset = dataset
        let rows = dataset.count, count = dataset.featureCount
        var sums = [Double](repeating: 0, count: count)
        for r in 0..<rows { for j in 0..<count { sums[j] += Double(dataset.features[r * count + j]) } }
        let means = sums.map { $0 / Double(rows) }
        var squares = [Double](repeating: 0, count: count)
        for r in 0..<rows {
            for j in 0..<count {
                let d = Double(dataset.features[r * count + j]) - means[j]
                squares[j] += d * d
            }
        }
        self.rows = rows
        self.count = count
        self.means = means
        deviations = squares.map { ($0 / Double(rows)).squareRoot() }
    }

    /// Mean, minimum and maximum over the columns of the skewness and of the excess kurtosis
    /// (population moments; 0 for a constant column).
    var momentSummaries: [String: Double] {
        var third = [Double](repeating: 0, count: count), fourth = [Double](repeating: 0, count: count)
        for r in 0..<rows {
            for j in 0..<count where deviations[j] > 0 {
                let z = (Double(dataset.features[r * count + j]) - means[j]) / deviations[j]
                third[j] += z * z * z
                fourth[j] += z * z * z * z
            }
        }
        let skewness = (0..<count).map { deviations[$0] > 0 ? third[$0] / Double(rows) : 0 }
        let kurtosis = (0..<count).map { deviations[$0] > 0 ? fourth[$0] / Double(rows) - 3 : 0 }
        return [
            "skewness_mean": skewness.reduce(0, +) / Double(count),
            "skewness_min": skewness.min()!, "skewness_max": skewness.max()!,
            "kurtosis_mean": kurtosis.reduce(0, +) / Double(count),
            "kurtosis_min": kurtosis.min()!, "kurtosis_max": kurtosis.max()!,
        ]
    }

    /// From the eigenvalues of the correlation matrix (principal components of the standardised
    /// features): the share of variance of the first component, the fraction of components
    /// needed for 95 % of the variance, and the normalised entropy of the spectrum.
    var correlationSpectrum: [String: Double] {
        let varying = (0..<count).filter { deviations[$0] > 0 }
        guard varying.count > 1 else {
            return ["pca_first_fraction": 1, "pca_fraction_for_95": 1 / Double(count), "pca_spectrum_entropy": 0]
        }
        let m = varying.count
        // The correlation matrix is ZᵀZ / rows for Z the standardised varying columns, summed
        // over blocks of rows so that Z never needs more than a block's memory.
        var correlation = [Double](repeating: 0, count: m * m)
        let block = 2048
        for first in stride(from: 0, to: rows, by: block) {
            let last = min(rows, first + block)
            var z = [Double](repeating: 0, count: (last - first) * m)
            for r in first..<last {
                for (a, j) in varying.enumerated() {
                    z[(r - first) * m + a] = (Double(dataset.features[r * count + j]) - means[j]) / deviations[j]
                }
            }
            let part = BLAS.upperGram(z, rows: last - first, columns: m, scale: 1 / Double(rows))
            for i in 0..<correlation.count { correlation[i] += part[i] }
        }
        guard let eigenvalues = SymmetricEigen.eigenvalues(ofSymmetric: correlation, n: m) else {
            return ["pca_first_fraction": 1, "pca_fraction_for_95": 1 / Double(count), "pca_spectrum_entropy": 0]
        }
        let spectrum = eigenvalues.map { max($0, 0) }.sorted(by: >)
        let total = spectrum.reduce(0, +)
        var cumulative = 0.0, needed = spectrum.count
        for (index, value) in spectrum.enumerated() {
            cumulative += value
            if cumulative >= 0.95 * total {
                needed = index + 1
                break
            }
        }
        var entropy = 0.0
        for value in spectrum where value > 0 {
            let share = value / total
            entropy -= share * log(share)
        }
        return [
            "pca_first_fraction": spectrum[0] / total,
            "pca_fraction_for_95": Double(needed) / Double(count),
            "pca_spectrum_entropy": entropy / log(Double(m)),
        ]
    }
}
