import Foundation

/// PED-ANOVA (Watanabe, Bansal and Hutter, IJCAI 2023): a parameter matters as much as its
/// distribution among the best trials differs from its distribution among all of them.
///
/// Each parameter's values are counted on a grid (its unit-cube coordinate cut into at most
/// `gridSize` cells — fewer for an integer or stepped parameter with fewer values — or its
/// choices), smoothed into two densities — of the top `topQuantile` of the trials and of all
/// trials — and compared by the Pearson divergence Σ p_all (p_top / p_all − 1)². The cost is one
/// pass over the trials plus a grid-sized computation per parameter.
public struct PEDANOVA: Sendable {
    /// The settings.
    public struct Options: Sendable, Hashable {
        /// The share of the trials whose distribution is compared with all trials' (γ′ in the paper).
        public var topQuantile = 0.1
        /// Grid cells per numeric parameter.
        public var gridSize = 50
        /// The weight, in trials, of a uniform prior mixed into each density, so that a few trials
        /// do not make a cell impossible.
        public var priorWeight = 1.0

        /// The defaults: the top 10 %, 50 cells, a prior worth one trial.
        public init() {}
    }

    let options: Options

    /// The divergence of each parameter of `columns`, in their order.
    func divergences(_ columns: ImportanceColumns) -> [Double] {
        let cutoff = columns.cutoff(quantile: min(max(options.topQuantile, 0), 1))
        return columns.parameters.map { parameter in
            let cells = cellCount(parameter.distribution)
            var all = [Double](repeating: 0, count: cells), top = all
            for (row, coordinate) in zip(parameter.rows, parameter.coordinates) {
                let cell = parameter.categoryCount == nil ? min(cells - 1, max(0, Int(coordinate * Double(cells)))) : Int(coordinate)
                guard cell >= 0, cell < cells else { continue }
                all[cell] += 1
                if columns.losses[row] <= cutoff { top[cell] += 1 }
            }
            let smooth = parameter.categoryCount == nil
            let pAll = density(all, smooth: smooth), pTop = density(top, smooth: smooth)
            var divergence = 0.0
            for cell in 0..<cells where pAll[cell] > 0 {
                let ratio = pTop[cell] / pAll[cell] - 1
                divergence += pAll[cell] * ratio * ratio
            }
            return divergence
        }
    }

    /// Cells for a parameter: its choices, its grid values when fewer than `gridSize`, else `gridSize`.
    private func cellCount(_ distribution: Distribution) -> Int {
        if case .categorical(let d) = distribution { return d.choices.count }
        return max(2, min(max(options.gridSize, 2), distribution.gridCount ?? Int.max))
    }

    /// A probability over the cells from their counts: a Gaussian kernel per occupied cell (bandwidth
    /// by Scott's rule on the cell index, at least half a cell) or, for choices, the counts themselves,
    /// mixed with a uniform prior of weight `priorWeight`.
    private func density(_ counts: [Double], smooth: Bool) -> [Double] {
        let cells = counts.count
        let total = counts.reduce(0, +)
        let prior = max(options.priorWeight, 0)
        guard total > 0 else { return [Double](repeating: 1 / Double(cells), count: cells) }
        var mass = [Double](repeating: prior / Double(cells), count: cells)
        if smooth {
            let bandwidth = Self.scottBandwidth(counts)
            var kernel = [Double](repeating: 0, count: cells)
            for centre in 0..<cells where counts[centre] > 0 {
                var sum = 0.0
                for cell in 0..<cells {
                    let z = Double(cell - centre) / bandwidth
                    kernel[cell] = exp(-0.5 * z * z)
                    sum += kernel[cell]
                }
                let weight = counts[centre] / sum
                for cell in 0..<cells { mass[cell] += weight * kernel[cell] }
            }
        } else {
            for cell in 0..<cells { mass[cell] += counts[cell] }
        }
        let norm = total + prior
        return mass.map { $0 / norm }
    }

    /// Scott's rule, 1.059 · min(σ, IQR / 1.34) · n^(−1/5), on the cell indices weighted by their
    /// counts; never narrower than half a cell.
    static func scottBandwidth(_ counts: [Double]) -> Double {
        let total = counts.reduce(0, +)
        var mean = 0.0
        for (cell, count) in counts.enumerated() { mean += Double(cell) * count }
        mean /= total
        var squares = 0.0
        for (cell, count) in counts.enumerated() { squares += count * (Double(cell) - mean) * (Double(cell) - mean) }
        let sigma = (squares / max(1, total - 1)).squareRoot()
        let iqr = quantile(counts, 0.75, total: total) - quantile(counts, 0.25, total: total)
        let spread = iqr > 0 ? min(sigma, iqr / 1.34) : sigma
        return max(0.5, 1.059 * spread * pow(total, -0.2))
    }

    /// The cell at which the cumulative count first reaches `q` of `total`.
    private static func quantile(_ counts: [Double], _ q: Double, total: Double) -> Double {
        var cumulative = 0.0
        for (cell, count) in counts.enumerated() {
            cumulative += count
            if cumulative >= q * total { return Double(cell) }
        }
        return Double(counts.count - 1)
    }
}
