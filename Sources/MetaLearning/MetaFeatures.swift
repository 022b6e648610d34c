import Foundation
import Neural
import MetaTuneNumerics

/// A data set's meta-features: numbers that describe a classification task — its size, class
/// balance, feature distributions, correlation spectrum and how well simple models do on it —
/// so that tasks can be compared and a mapping (meta-features, hyperparameters) → score learned
/// across them.
public struct MetaFeatures: Sendable, Codable, Equatable {
    /// Every meta-feature, in a fixed order (the order of `vector`).
    public static let names = [
        "rows", "features", "classes", "log_rows", "log_features", "log_classes",
        "features_per_row", "log_rows_per_feature",
        "class_entropy", "majority_rate", "minority_rate", "imbalance_ratio",
        "skewness_mean", "skewness_min", "skewness_max", "kurtosis_mean", "kurtosis_min", "kurtosis_max",
        "pca_first_fraction", "pca_fraction_for_95", "pca_spectrum_entropy",
        "landmark_1nn", "landmark_linear", "landmark_stump",
    ]

    /// The value of each meta-feature, by name.
    public let values: [String: Double]

    public init(values: [String: Double]) {
        self.values = values
    }

    /// The values in the order of `names`.
    public var vector: [Double] { Self.names.map { values[$0] ?? 0 } }

    /// Computes the meta-features of a classification data set. The landmarkers train on half of
    /// a seeded subsample of at most `landmarkRows` rows and score on the other half.
    public static func compute(_ dataset: Dataset, seed: UInt64 = 0, landmarkRows: Int = 2000) throws -> MetaFeatures {
        guard !dataset.isRegression else { throw DatasetError("meta-features need a classification data set (integer class labels)") }
        let n = dataset.count, p = dataset.featureCount, k = dataset.classCount
        guard n >= 4 else { throw DatasetError("meta-features need at least 4 rows (the data set has \(n))") }
        guard p >= 1 else { throw DatasetError("meta-features need at least one feature column") }
        var values: [String: Double] = [
            "rows": Double(n), "features": Double(p), "classes": Double(k),
            "log_rows": log(Double(n)), "log_features": log(Double(p)), "log_classes": log(Double(max(k, 1))),
            "features_per_row": Double(p) / Double(n), "log_rows_per_feature": log(Double(n) / Double(p)),
        ]
        values.merge(ClassBalance(labels: dataset.labels, classCount: k).metaFeatures) { $1 }
        let columns = FeatureColumns(dataset)
        values.merge(columns.momentSummaries) { $1 }
        values.merge(columns.correlationSpectrum) { $1 }
        values.merge(Landmarkers(dataset: dataset, seed: seed, maxRows: landmarkRows).metaFeatures) { $1 }
        return MetaFeatures(values: values)
    }
}

/// Class entropy (normalised by log k, so 1 is perfectly balanced) and the shares of the largest
/// and smallest classes.
struct ClassBalance {
    let metaFeatures: [String: Double]

    init(labels: [Int], classCount: Int) {
        var counts = [Double](repeating: 0, count: max(classCount, 1))
        for label in labels { counts[label] += 1 }
        let total = Double(labels.count)
        var entropy = 0.0
        for count in counts where count > 0 {
            let share = count / total
            entropy -= share * log(share)
        }
        let present = counts.filter { $0 > 0 }
        let largest = present.max() ?? 0, smallest = present.min() ?? 0
        metaFeatures = [
            "class_entropy": classCount > 1 ? entropy / log(Double(classCount)) : 0,
            "majority_rate": largest / total,
            "minority_rate": smallest / total,
            "imbalance_ratio": largest > 0 ? smallest / largest : 0,
        ]
    }
}
