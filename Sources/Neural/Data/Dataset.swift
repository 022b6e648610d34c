import MetaTuneNumerics

/// A data set: rows of Float32 features (row-major) with integer class labels (classification)
/// or real-valued targets (regression, `classCount` 0).
public struct Dataset: Sendable {
    /// Row-major features, `count × featureCount`.
    public var features: [Float]
    /// Class labels 0..<classCount (classification; empty for regression).
    public var labels: [Int]
    /// Targets (regression; empty for classification).
    public var targets: [Float] = []
    public let featureCount: Int
    /// The number of classes; 0 for a regression data set.
    public let classCount: Int
    public var featureNames: [String]
    /// [channels, height, width] when the rows are images (enables the CNN), else nil.
    public var imageShape: [Int]?

    public init(features: [Float], labels: [Int], featureCount: Int, classCount: Int,
                featureNames: [String] = [], imageShape: [Int]? = nil) {
        precondition(classCount == 0 || features.count == labels.count * featureCount, "features and labels do not match")
        self.features = features
        self.labels = labels
        self.featureCount = featureCount
        self.classCount = classCount
        self.featureNames = featureNames
        self.imageShape = imageShape
    }

    /// A regression data set.
    public init(features: [Float], targets: [Float], featureCount: Int, featureNames: [String] = []) {
        precondition(features.count == targets.count * featureCount, "features and targets do not match")
        self.init(features: features, labels: [], featureCount: featureCount, classCount: 0, featureNames: featureNames)
        self.targets = targets
    }

    /// Whether the targets are real values (regression) rather than classes.
    public var isRegression: Bool { classCount == 0 }

    /// The number of rows.
    public var count: Int { features.count / featureCount }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        var rows = [Float](repeating: 0, count: indices.count * featureCount)
        rows.withUnsafeMutableBufferPointer { out in
            features.withUnsafeBufferPointer { all in
                for (position, row) in indices.enumerated() {
                    let source = row * featureCount, target = position * featureCount
                    for j in 0..<featureCount { out[target + j] = all[source + j] }
                }
            }
        }
        var result = Dataset(features: rows, labels: isRegression ? [] : indices.map { labels[$0] }, featureCount: featureCount,
                             classCount: classCount, featureNames: featureNames, imageShape: imageShape)
        if isRegression { result.targets = indices.map { targets[$0] } }
        return result
    }

    /// The regression targets of rows `indices`.
    public func targetBatch(_ indices: ArraySlice<Int>) -> [Float] {
        indices.map { targets[$0] }
    }

    /// The rows at `indices` gathered into a batch tensor [n, features] (or [n, c, h, w] for images).
    public func batch(_ indices: ArraySlice<Int>) -> (Tensor, [Int]) {
        var rows = [Float](repeating: 0, count: indices.count * featureCount)
        var batchLabels = [Int](repeating: 0, count: indices.count)
        rows.withUnsafeMutableBufferPointer { out in
            features.withUnsafeBufferPointer { all in
                for (position, row) in indices.enumerated() {
                    let source = row * featureCount, target = position * featureCount
                    for j in 0..<featureCount { out[target + j] = all[source + j] }
                    if !labels.isEmpty { batchLabels[position] = labels[row] }
                }
            }
        }
        let shape = imageShape.map { [indices.count] + $0 } ?? [indices.count, featureCount]
        return (Tensor(shape: shape, data: rows), batchLabels)
    }

    /// A seeded split keeping each class's share in both parts: about `validationFraction` of
    /// each class goes to validation (for regression, of all rows).
    public func stratifiedSplit(validationFraction: Double, seed: UInt64) -> (train: Dataset, validation: Dataset) {
        precondition(validationFraction > 0 && validationFraction < 1, "the validation fraction must be in (0, 1)")
        var generator = SeededGenerator(seeds: [seed, stableHash("stratified-split")])
        var train: [Int] = [], validation: [Int] = []
        let groups: [[Int]] = isRegression ? [Array(0..<count)] : (0..<classCount).map { label in labels.indices.filter { labels[$0] == label } }
        for group in groups {
            var rows = group
            rows.shuffle(using: &generator)
            let held = rows.count > 1 ? max(1, Int((Double(rows.count) * validationFraction).rounded())) : 0
            validation += rows.prefix(held)
            train += rows.dropFirst(held)
        }
        return (subset(train.sorted()), subset(validation.sorted()))
    }
}

/// Feature standardisation (zero mean, unit variance) fitted on one data set, applied to others.
public struct Standardizer: Sendable {
    public let means: [Float]
    public let scales: [Float]

    /// Fits on `data` (constant features keep scale 1).
    public init(fitting data: Dataset) {
        let d = data.featureCount, n = Double(max(data.count, 1))
        var sum = [Double](repeating: 0, count: d), squares = [Double](repeating: 0, count: d)
        for row in 0..<data.count {
            for j in 0..<d {
                let x = Double(data.features[row * d + j])
                sum[j] += x
                squares[j] += x * x
            }
        }
        means = sum.map { Float($0 / n) }
        scales = (0..<d).map { j in
            let variance = squares[j] / n - (sum[j] / n) * (sum[j] / n)
            return variance > 1e-12 ? Float(1 / variance.squareRoot()) : 1
        }
    }

    /// `data` standardised with the fitted statistics.
    public func apply(_ data: Dataset) -> Dataset {
        var out = data
        let d = data.featureCount
        for row in 0..<data.count {
            for j in 0..<d { out.features[row * d + j] = (data.features[row * d + j] - means[j]) * scales[j] }
        }
        return out
    }
}
