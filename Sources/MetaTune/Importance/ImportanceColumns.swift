import Foundation

/// Complete trials laid out for importance: one loss per trial (lower is better) and, per
/// parameter, the trials that have it with their coordinates.
struct ImportanceColumns: Sendable {
    /// One measured parameter.
    struct Parameter: Sendable {
        let name: String
        let distribution: Distribution
        /// Indices into `losses` of the trials that have the parameter (from this distribution).
        let rows: [Int]
        /// Per row: the unit-cube coordinate of a numeric parameter, the choice index of a categorical.
        let coordinates: [Double]

        /// The number of choices of a categorical parameter.
        var categoryCount: Int? {
            if case .categorical(let d) = distribution { return d.choices.count }
            return nil
        }
    }

    /// The value of each complete trial, oriented so that lower is better.
    let losses: [Double]
    let parameters: [Parameter]

    init(trials: [FrozenTrial], direction: StudyDirection, parameters requested: [String]?, minimumTrials: Int) throws {
        let complete = trials.filter { $0.state == .complete && ($0.value?.isFinite ?? false) }.sorted { $0.number < $1.number }
        guard complete.count >= minimumTrials else { throw ImportanceError.notEnoughTrials(found: complete.count, needed: minimumTrials) }
        losses = complete.map { direction == .minimize ? $0.value! : -$0.value! }
        let names = requested ?? Set(complete.flatMap(\.params.keys)).sorted()
        parameters = names.compactMap { name in
            guard let distribution = complete.last(where: { $0.distributions[name] != nil })?.distributions[name] else { return nil }
            var rows: [Int] = [], coordinates: [Double] = []
            for (row, trial) in complete.enumerated() {
                guard trial.distributions[name] == distribution, let x = trial.internalValue(of: name) else { continue }
                rows.append(row)
                if case .categorical = distribution { coordinates.append(x) } else { coordinates.append(distribution.unit(ofInternal: x)) }
            }
            // A parameter with a single possible value explains nothing.
            guard !rows.isEmpty, distribution.singleValue == nil else { return nil }
            return Parameter(name: name, distribution: distribution, rows: rows, coordinates: coordinates)
        }
        guard !parameters.isEmpty else { throw ImportanceError.noParameters }
    }

    /// The loss at or below which a trial counts among the best `quantile` of all (at least one).
    func cutoff(quantile: Double) -> Double {
        let sorted = losses.sorted()
        let index = min(sorted.count - 1, max(0, Int((quantile * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[index]
    }
}
