import Foundation
import MetaTuneNumerics

/// fANOVA (Hutter, Hoos and Leyton-Brown, ICML 2014): fits MetaTune's random forest to the trials
/// and, tree by tree, splits the variance of its prediction over the whole search space into what
/// each parameter explains on its own (the variance of its marginal), averaged over the trees.
///
/// A tree cuts the space into boxes, so the marginal of one parameter is piecewise constant and
/// computed exactly, without sampling. The forest needs every trial to have every measured
/// parameter: a trial without one of them is left out.
public struct FANOVA: Sendable {
    /// The settings.
    public struct Options: Sendable, Hashable {
        /// Trees in the forest.
        public var trees = 32
        /// The deepest a tree grows.
        public var maxDepth = 32
        /// Rows a leaf keeps at least.
        public var minSamplesLeaf = 1
        /// At most this many trials (a seeded random subset beyond it) keep the fit's cost bounded.
        public var maxTrials = 5_000
        /// The forest's seed.
        public var seed: UInt64 = 0

        /// The defaults: 32 trees of depth up to 32, every trial up to 5,000.
        public init() {}
    }

    let options: Options

    /// Each parameter's mean share of its trees' variance, in the order of `columns`.
    func varianceShares(_ columns: ImportanceColumns) -> [Double] {
        let (x, y) = table(columns)
        guard y.count >= 2 else { return columns.parameters.map { _ in 0 } }
        let features: [ForestFeature] = columns.parameters.map { parameter in
            parameter.categoryCount.map { .categorical(count: $0) } ?? .numeric
        }
        var forestOptions = RandomForestRegressor.Options()
        forestOptions.trees = max(1, options.trees)
        forestOptions.featureFraction = 1
        forestOptions.minSamplesSplit = 2
        forestOptions.minSamplesLeaf = max(1, options.minSamplesLeaf)
        forestOptions.maxDepth = max(1, options.maxDepth)
        let forest = RandomForestRegressor(x: x, y: y, features: features, options: forestOptions, seed: options.seed)
        var shares = [Double](repeating: 0, count: features.count)
        var treesWithVariance = 0
        for tree in forest.trees {
            let leaves = tree.leafRegions(features: features)
            let volumes = leaves.map { Self.volume($0) }
            var mean = 0.0
            for (leaf, volume) in zip(leaves, volumes) { mean += leaf.value * volume }
            var total = 0.0
            for (leaf, volume) in zip(leaves, volumes) { total += volume * (leaf.value - mean) * (leaf.value - mean) }
            guard total > 1e-300 else { continue }
            treesWithVariance += 1
            for feature in features.indices {
                shares[feature] += Self.marginalVariance(feature, leaves: leaves, volumes: volumes, mean: mean) / total
            }
        }
        return shares.map { treesWithVariance > 0 ? $0 / Double(treesWithVariance) : 0 }
    }

    /// The rows with every parameter (at most `maxTrials` of them, a seeded subset) and their losses.
    private func table(_ columns: ImportanceColumns) -> (x: [[Double]], y: [Double]) {
        var byRow = [[Double]?](repeating: [Double](repeating: 0, count: columns.parameters.count), count: columns.losses.count)
        var present = [Int](repeating: 0, count: columns.losses.count)
        for (index, parameter) in columns.parameters.enumerated() {
            for (row, coordinate) in zip(parameter.rows, parameter.coordinates) {
                byRow[row]?[index] = coordinate
                present[row] += 1
            }
        }
        var rows = columns.losses.indices.filter { present[$0] == columns.parameters.count }
        if rows.count > options.maxTrials {
            var generator = SeededGenerator(seed: options.seed)
            rows.shuffle(using: &generator)
            rows = Array(rows.prefix(max(2, options.maxTrials))).sorted()
        }
        return (rows.compactMap { byRow[$0] }, rows.map { columns.losses[$0] })
    }

    /// The fraction of the space a leaf's region covers.
    private static func volume(_ leaf: RegressionTree.LeafRegion) -> Double {
        var volume = 1.0
        for interval in leaf.intervals { if let interval { volume *= interval.upperBound - interval.lowerBound } }
        for allowed in leaf.categories {
            if let allowed { volume *= Double(allowed.filter { $0 }.count) / Double(max(allowed.count, 1)) }
        }
        return volume
    }

    /// The variance over the space of the tree's prediction averaged over every parameter but `feature`.
    private static func marginalVariance(_ feature: Int, leaves: [RegressionTree.LeafRegion], volumes: [Double], mean: Double) -> Double {
        if let count = leaves.first?.categories[feature]?.count {
            // Per category, the mean prediction over the rest of the space.
            var marginal = [Double](repeating: 0, count: count)
            for (leaf, volume) in zip(leaves, volumes) where volume > 0 {
                guard let allowed = leaf.categories[feature] else { continue }
                let width = Double(allowed.filter { $0 }.count) / Double(count)
                for category in 0..<count where allowed[category] { marginal[category] += leaf.value * volume / width }
            }
            return marginal.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count)
        }
        // Numeric: the marginal is constant between consecutive cut points; add each leaf's
        // contribution over its interval with a difference array.
        var cuts = Set<Double>([0, 1])
        for leaf in leaves { if let interval = leaf.intervals[feature] { cuts.insert(interval.lowerBound); cuts.insert(interval.upperBound) } }
        let points = cuts.sorted()
        guard points.count >= 2 else { return 0 }
        var index: [Double: Int] = [:]
        for (position, point) in points.enumerated() { index[point] = position }
        var change = [Double](repeating: 0, count: points.count)
        for (leaf, volume) in zip(leaves, volumes) where volume > 0 {
            guard let interval = leaf.intervals[feature], let start = index[interval.lowerBound], let end = index[interval.upperBound] else { continue }
            let height = leaf.value * volume / (interval.upperBound - interval.lowerBound)
            change[start] += height
            change[end] -= height
        }
        var variance = 0.0, marginal = 0.0
        for segment in 0..<(points.count - 1) {
            marginal += change[segment]
            variance += (points[segment + 1] - points[segment]) * (marginal - mean) * (marginal - mean)
        }
        return variance
    }
}
