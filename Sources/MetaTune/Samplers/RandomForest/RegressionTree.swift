import Foundation
import MetaTuneNumerics

/// The kind of one input column of a random forest.
public enum ForestFeature: Hashable, Sendable {
    /// An ordered value (e.g. a unit-cube coordinate).
    case numeric
    /// A category index 0..<count (stored as a Double).
    case categorical(count: Int)
}

/// One regression tree of a random forest: splits minimise the children's summed squared error;
/// each leaf keeps the mean and variance of its training targets.
struct RegressionTree: Sendable {
    enum Node: Sendable {
        case leaf(mean: Double, variance: Double)
        /// Numeric: x ≤ threshold goes left.
        case threshold(feature: Int, value: Double, left: Int, right: Int)
        /// Categorical: the categories marked true go left.
        case categories(feature: Int, goesLeft: [Bool], left: Int, right: Int)
    }

    /// What limits the growth of a tree.
    struct Limits {
        var featuresPerSplit: Int
        var minSamplesSplit: Int
        var minSamplesLeaf: Int
        var maxDepth: Int
    }

    /// The nodes, root first; a split's children come after it.
    private(set) var nodes: [Node] = []

    /// Grows a tree on the rows `rows` (repeats allowed: a bootstrap sample) of `x`, `y`.
    init(x: [[Double]], y: [Double], rows: [Int], features: [ForestFeature], limits: Limits,
         using generator: inout SeededGenerator) {
        _ = grow(rows, depth: 0, x: x, y: y, features: features, limits: limits, using: &generator)
    }

    /// The mean and variance of the leaf `point` falls into.
    func leaf(for point: [Double]) -> (mean: Double, variance: Double) {
        var index = 0
        while true {
            switch nodes[index] {
            case .leaf(let mean, let variance):
                return (mean, variance)
            case .threshold(let feature, let value, let left, let right):
                index = point[feature] <= value ? left : right
            case .categories(let feature, let goesLeft, let left, let right):
                let category = Int(point[feature])
                index = category >= 0 && category < goesLeft.count && goesLeft[category] ? left : right
            }
        }
    }

    /// Adds the subtree of `rows` and returns its index.
    private mutating func grow(_ rows: [Int], depth: Int, x: [[Double]], y: [Double], features: [ForestFeature],
                               limits: Limits, using generator: inout SeededGenerator) -> Int {
        let index = nodes.count
        var sum = 0.0, squares = 0.0
        for row in rows { sum += y[row]; squares += y[row] * y[row] }
        let count = Double(rows.count)
        let mean = sum / count
        let variance = max(0, squares / count - mean * mean)
        nodes.append(.leaf(mean: mean, variance: variance))
        guard rows.count >= limits.minSamplesSplit, rows.count >= 2 * limits.minSamplesLeaf,
              depth < limits.maxDepth, variance > 1e-14 * max(1, mean * mean) else { return index }

        var order = Array(features.indices)
        var best: (score: Double, split: Split)?
        for k in 0..<min(limits.featuresPerSplit, order.count) {
            order.swapAt(k, k + generator.nextIndex(below: order.count - k))
            let feature = order[k]
            let candidate: Split?
            switch features[feature] {
            case .numeric:
                candidate = Self.numericSplit(rows, feature: feature, x: x, y: y, minLeaf: limits.minSamplesLeaf, using: &generator)
            case .categorical(let categories):
                candidate = Self.categoricalSplit(rows, feature: feature, categories: categories, x: x, y: y,
                                                  minLeaf: limits.minSamplesLeaf)
            }
            if let candidate, best == nil || candidate.error < best!.score { best = (candidate.error, candidate) }
        }
        guard let split = best?.split, split.error < squares - sum * mean - 1e-12 * abs(squares) else { return index }
        var leftRows: [Int] = [], rightRows: [Int] = []
        for row in rows {
            if split.goesLeft(x[row]) { leftRows.append(row) } else { rightRows.append(row) }
        }
        let left = grow(leftRows, depth: depth + 1, x: x, y: y, features: features, limits: limits, using: &generator)
        let right = grow(rightRows, depth: depth + 1, x: x, y: y, features: features, limits: limits, using: &generator)
        switch split.rule {
        case .threshold(let value): nodes[index] = .threshold(feature: split.feature, value: value, left: left, right: right)
        case .categories(let goesLeft): nodes[index] = .categories(feature: split.feature, goesLeft: goesLeft, left: left, right: right)
        }
        return index
    }

    /// A candidate split and the summed squared error of its two children.
    private struct Split {
        enum Rule {
            case threshold(Double)
            case categories([Bool])
        }

        let feature: Int
        let rule: Rule
        let error: Double

        func goesLeft(_ point: [Double]) -> Bool {
            switch rule {
            case .threshold(let value): return point[feature] <= value
            case .categories(let goesLeft): return goesLeft[Int(point[feature])]
            }
        }
    }

    /// The best threshold on a numeric feature; it is drawn uniformly between the two neighbouring
    /// values, so the trees of a forest disagree (and its variance grows) between observations.
    private static func numericSplit(_ rows: [Int], feature: Int, x: [[Double]], y: [Double], minLeaf: Int,
                                     using generator: inout SeededGenerator) -> Split? {
        let sorted = rows.sorted { x[$0][feature] < x[$1][feature] }
        let values = sorted.map { x[$0][feature] }
        let targets = sorted.map { y[$0] }
        guard let position = bestCut(targets, allowed: { values[$0 - 1] < values[$0] }, minLeaf: minLeaf) else { return nil }
        let low = values[position.cut - 1], high = values[position.cut]
        let threshold = low + generator.nextUniform() * (high - low)
        return Split(feature: feature, rule: .threshold(threshold < high ? threshold : low), error: position.error)
    }

    /// The best split of a categorical feature's categories: ordered by their mean target, the
    /// best cut of that order (optimal for squared error, Breiman et al. 1984). Categories absent
    /// from the node go to the larger child.
    private static func categoricalSplit(_ rows: [Int], feature: Int, categories: Int, x: [[Double]], y: [Double],
                                         minLeaf: Int) -> Split? {
        var sums = [Double](repeating: 0, count: categories), counts = [Int](repeating: 0, count: categories)
        for row in rows {
            let category = Int(x[row][feature])
            sums[category] += y[row]
            counts[category] += 1
        }
        let present = (0..<categories).filter { counts[$0] > 0 }.sorted {
            (sums[$0] / Double(counts[$0]), $0) < (sums[$1] / Double(counts[$1]), $1)
        }
        guard present.count >= 2 else { return nil }
        let rank = Dictionary(uniqueKeysWithValues: present.enumerated().map { ($1, $0) })
        let sorted = rows.sorted { (rank[Int(x[$0][feature])]!, $0) < (rank[Int(x[$1][feature])]!, $1) }
        let groups = sorted.map { rank[Int(x[$0][feature])]! }
        guard let position = bestCut(sorted.map { y[$0] }, allowed: { groups[$0 - 1] != groups[$0] }, minLeaf: minLeaf) else {
            return nil
        }
        var goesLeft = [Bool](repeating: position.cut >= rows.count - position.cut, count: categories)
        for (order, category) in present.enumerated() { goesLeft[category] = order <= groups[position.cut - 1] }
        return Split(feature: feature, rule: .categories(goesLeft), error: position.error)
    }

    /// The cut (first index of the right part) of `targets` with the smallest summed squared error
    /// of the two parts, among cuts where `allowed` holds and both parts have `minLeaf` rows.
    private static func bestCut(_ targets: [Double], allowed: (Int) -> Bool, minLeaf: Int) -> (cut: Int, error: Double)? {
        let n = targets.count
        var totalSum = 0.0, totalSquares = 0.0
        for t in targets { totalSum += t; totalSquares += t * t }
        var leftSum = 0.0, leftSquares = 0.0
        var best: (cut: Int, error: Double)?
        for cut in 1..<n {
            leftSum += targets[cut - 1]
            leftSquares += targets[cut - 1] * targets[cut - 1]
            guard cut >= minLeaf, n - cut >= minLeaf, allowed(cut) else { continue }
            let rightSum = totalSum - leftSum, rightSquares = totalSquares - leftSquares
            let error = (leftSquares - leftSum * leftSum / Double(cut)) + (rightSquares - rightSum * rightSum / Double(n - cut))
            if best == nil || error < best!.error { best = (cut, error) }
        }
        return best
    }
}
