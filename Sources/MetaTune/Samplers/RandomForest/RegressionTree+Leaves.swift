import Foundation

extension RegressionTree {
    /// A leaf's region of the input space: per feature an interval of a numeric feature on
    /// [0, 1] or the set of categories of a categorical one.
    struct LeafRegion: Sendable {
        /// The leaf's mean target.
        let value: Double
        /// Per numeric feature, the interval [low, high] (nil for categorical features).
        let intervals: [ClosedRange<Double>?]
        /// Per categorical feature, which categories reach the leaf (nil for numeric features).
        let categories: [[Bool]?]
    }

    /// Every leaf with its region, for inputs whose numeric features lie in [0, 1].
    func leafRegions(features: [ForestFeature]) -> [LeafRegion] {
        guard !nodes.isEmpty else { return [] }
        var intervals: [ClosedRange<Double>?] = features.map { if case .numeric = $0 { 0...1 } else { nil } }
        var categories: [[Bool]?] = features.map { if case .categorical(let count) = $0 { Array(repeating: true, count: count) } else { nil } }
        var leaves: [LeafRegion] = []
        collect(0, &intervals, &categories, into: &leaves)
        return leaves
    }

    private func collect(_ index: Int, _ intervals: inout [ClosedRange<Double>?], _ categories: inout [[Bool]?],
                         into leaves: inout [LeafRegion]) {
        switch nodes[index] {
        case .leaf(let mean, _):
            leaves.append(LeafRegion(value: mean, intervals: intervals, categories: categories))
        case .threshold(let feature, let value, let left, let right):
            guard let range = intervals[feature] else { return }
            let cut = min(max(value, range.lowerBound), range.upperBound)
            intervals[feature] = range.lowerBound...cut
            collect(left, &intervals, &categories, into: &leaves)
            intervals[feature] = cut...range.upperBound
            collect(right, &intervals, &categories, into: &leaves)
            intervals[feature] = range
        case .categories(let feature, let goesLeft, let left, let right):
            guard let allowed = categories[feature] else { return }
            categories[feature] = allowed.indices.map { allowed[$0] && $0 < goesLeft.count && goesLeft[$0] }
            collect(left, &intervals, &categories, into: &leaves)
            categories[feature] = allowed.indices.map { allowed[$0] && !($0 < goesLeft.count && goesLeft[$0]) }
            collect(right, &intervals, &categories, into: &leaves)
            categories[feature] = allowed
        }
    }
}
