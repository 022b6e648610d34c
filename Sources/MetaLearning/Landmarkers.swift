import Foundation
import Neural
import MetaTuneNumerics

/// Landmarkers: the held-out accuracy of three fast, simple classifiers — 1-nearest-neighbour,
/// a linear model (ridge regression on one-hot classes) and a decision stump — trained on one half
/// of a seeded subsample of the rows (features standardised with that half's statistics) and
/// scored on the other half. How well simple models do says much about how hard a task is and
/// how it is shaped.
struct Landmarkers {
    let metaFeatures: [String: Double]

    init(dataset: Dataset, seed: UInt64, maxRows: Int) {
        var generator = SplitMix64(state: seed ^ 0x6C61_6E64_6D61_726B)
        let order = generator.permutation(dataset.count).prefix(max(min(maxRows, dataset.count), 4))
        let half = order.count / 2
        let train = Subsample(dataset: dataset, rows: Array(order.prefix(half)))
        let test = Subsample(dataset: dataset, rows: Array(order.dropFirst(half)))
        let (means, deviations) = train.columnMoments()
        var standardizedTrain = train, standardizedTest = test
        standardizedTrain.standardize(means: means, deviations: deviations)
        standardizedTest.standardize(means: means, deviations: deviations)
        metaFeatures = [
            "landmark_1nn": Self.nearestNeighbourAccuracy(train: standardizedTrain, test: standardizedTest),
            "landmark_linear": Self.linearAccuracy(train: standardizedTrain, test: standardizedTest, classCount: dataset.classCount),
            "landmark_stump": Self.stumpAccuracy(train: train, test: test, classCount: dataset.classCount),
        ]
    }

    /// Accuracy of 1-NN (Euclidean; ties to the earlier training row).
    static func nearestNeighbourAccuracy(train: Subsample, test: Subsample) -> Double {
        let p = train.featureCount
        var correct = 0
        train.features.withUnsafeBufferPointer { x in
            test.features.withUnsafeBufferPointer { t in
                for i in 0..<test.count {
                    var best = Double.infinity, label = 0
                    for r in 0..<train.count {
                        var d = 0.0
                        for j in 0..<p {
                            let diff = x[r * p + j] - t[i * p + j]
                            d += diff * diff
                        }
                        if d < best {
                            best = d
                            label = train.labels[r]
                        }
                    }
                    if label == test.labels[i] { correct += 1 }
                }
            }
        }
        return Double(correct) / Double(test.count)
    }

    /// Accuracy of ridge regression (λ = 1) from the features and a constant onto one-hot
    /// classes, predicting the class with the largest output.
    static func linearAccuracy(train: Subsample, test: Subsample, classCount: Int) -> Double {
        let p = train.featureCount + 1, k = max(classCount, 1)
        var gram = [Double](repeating: 0, count: p * p)
        var moments = [Double](repeating: 0, count: p * k)  // Xᵀ·Y, p×k
        var row = [Double](repeating: 1, count: p)
        for r in 0..<train.count {
            for j in 0..<(p - 1) { row[j] = train.features[r * (p - 1) + j] }
            for a in 0..<p {
                for b in 0...a { gram[a * p + b] += row[a] * row[b] }
                moments[a * k + train.labels[r]] += row[a]
            }
        }
        for a in 0..<p {
            for b in 0..<a { gram[b * p + a] = gram[a * p + b] }
            gram[a * p + a] += 1
        }
        guard let factor = Cholesky(symmetric: gram, n: p) else { return 0 }
        var weights = [[Double]]()  // one column of p weights per class
        for c in 0..<k { weights.append(factor.solve((0..<p).map { moments[$0 * k + c] })) }
        var correct = 0
        for i in 0..<test.count {
            for j in 0..<(p - 1) { row[j] = test.features[i * (p - 1) + j] }
            row[p - 1] = 1
            var bestScore = -Double.infinity, predicted = 0
            for c in 0..<k {
                var score = 0.0
                for j in 0..<p { score += weights[c][j] * row[j] }
                if score > bestScore {
                    bestScore = score
                    predicted = c
                }
            }
            if predicted == test.labels[i] { correct += 1 }
        }
        return Double(correct) / Double(test.count)
    }

    /// Accuracy of the best one-feature threshold split on the training half (each side predicts
    /// its majority class).
    static func stumpAccuracy(train: Subsample, test: Subsample, classCount: Int) -> Double {
        let p = train.featureCount, k = max(classCount, 1)
        var totals = [Int](repeating: 0, count: k)
        for label in train.labels { totals[label] += 1 }
        let overallMajority = totals.indices.max { totals[$0] < totals[$1] }!
        var best = (correct: totals[overallMajority], feature: 0, threshold: Double.infinity,
                    left: overallMajority, right: overallMajority)
        for j in 0..<p {
            let sorted = (0..<train.count).sorted { train.features[$0 * p + j] < train.features[$1 * p + j] }
            var left = [Int](repeating: 0, count: k)
            for (position, r) in sorted.enumerated().dropLast() {
                left[train.labels[r]] += 1
                let value = train.features[r * p + j], next = train.features[sorted[position + 1] * p + j]
                guard value < next else { continue }
                let leftClass = left.indices.max { left[$0] < left[$1] }!
                let rightClass = totals.indices.max { totals[$0] - left[$0] < totals[$1] - left[$1] }!
                let correct = left[leftClass] + totals[rightClass] - left[rightClass]
                if correct > best.correct {
                    best = (correct, j, (value + next) / 2, leftClass, rightClass)
                }
            }
        }
        var correct = 0
        for i in 0..<test.count {
            let predicted = test.features[i * p + best.feature] <= best.threshold ? best.left : best.right
            if predicted == test.labels[i] { correct += 1 }
        }
        return Double(correct) / Double(test.count)
    }
}

/// Some rows of a data set, as Float64 features and labels.
struct Subsample {
    var features: [Double]
    let labels: [Int]
    let featureCount: Int

    init(dataset: Dataset, rows: [Int]) {
        featureCount = dataset.featureCount
        var features = [Double](repeating: 0, count: rows.count * featureCount)
        for (i, r) in rows.enumerated() {
            for j in 0..<featureCount { features[i * featureCount + j] = Double(dataset.features[r * featureCount + j]) }
        }
        self.features = features
        labels = rows.map { dataset.labels[$0] }
    }

    var count: Int { labels.count }

    /// Column means and standard deviations (1 for a constant column).
    func columnMoments() -> (means: [Double], deviations: [Double]) {
        var means = [Double](repeating: 0, count: featureCount), squares = [Double](repeating: 0, count: featureCount)
        for i in 0..<count { for j in 0..<featureCount { means[j] += features[i * featureCount + j] } }
        means = means.map { $0 / Double(max(count, 1)) }
        for i in 0..<count {
            for j in 0..<featureCount {
                let d = features[i * featureCount + j] - means[j]
                squares[j] += d * d
            }
        }
        let deviations = squares.map { s -> Double in
            let sd = (s / Double(max(count, 1))).squareRoot()
            return sd > 0 ? sd : 1
        }
        return (means, deviations)
    }

    mutating func standardize(means: [Double], deviations: [Double]) {
        for i in 0..<count {
            for j in 0..<featureCount { features[i * featureCount + j] = (features[i * featureCount + j] - means[j]) / deviations[j] }
        }
    }
}
