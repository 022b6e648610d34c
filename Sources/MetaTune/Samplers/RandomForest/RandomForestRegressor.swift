import Foundation
import MetaTuneNumerics

/// A random forest of regression trees on mixed numeric and categorical features (as SMAC uses as
/// its surrogate): each tree grows on a bootstrap sample, choosing each split among a random
/// subset of the features; predictions give a mean and a variance across the trees.
public struct RandomForestRegressor: Sendable {
    public struct Options: Sendable {
        public var trees = 10
        /// The fraction of the features considered at each split (at least one).
        public var featureFraction = 5.0 / 6.0
        /// Nodes with fewer rows are not split.
        public var minSamplesSplit = 3
        /// Every leaf keeps at least this many rows.
        public var minSamplesLeaf = 3
        public var maxDepth = 20
        /// Grow each tree on a bootstrap sample (otherwise on all rows).
        public var bootstrap = true

        public init() {}
    }

    /// The kind of each input column.
    public let features: [ForestFeature]
    /// The trees, for analyses that read their partitions (fANOVA).
    let trees: [RegressionTree]

    /// Fits the forest to rows `x` (each with one value per feature; categories as their index)
    /// and targets `y`. Deterministic for a given `seed`.
    public init(x: [[Double]], y: [Double], features: [ForestFeature], options: Options = Options(), seed: UInt64 = 0) {
        precondition(x.count == y.count && !x.isEmpty, "the forest needs at least one row and one target per row")
        self.features = features
        let limits = RegressionTree.Limits(
            featuresPerSplit: max(1, Int((options.featureFraction * Double(features.count)).rounded(.up))),
            minSamplesSplit: options.minSamplesSplit, minSamplesLeaf: max(options.minSamplesLeaf, 1),
            maxDepth: options.maxDepth)
        var generator = SeededGenerator(seed: seed)
        var trees: [RegressionTree] = []
        for _ in 0..<max(options.trees, 1) {
            let rows = options.bootstrap ? (0..<x.count).map { _ in generator.nextIndex(below: x.count) } : Array(x.indices)
            trees.append(RegressionTree(x: x, y: y, rows: rows, features: features, limits: limits, using: &generator))
        }
        self.trees = trees
    }

    /// The mean over trees of their leaf means, and the total variance by the law of total
    /// variance: the mean of the leaves' variances plus the variance of their means.
    public func predict(_ point: [Double]) -> (mean: Double, variance: Double) {
        var sum = 0.0, secondMoment = 0.0
        for tree in trees {
            let leaf = tree.leaf(for: point)
            sum += leaf.mean
            secondMoment += leaf.variance + leaf.mean * leaf.mean
        }
        let count = Double(trees.count)
        let mean = sum / count
        return (mean, max(0, secondMoment / count - mean * mean))
    }
}
