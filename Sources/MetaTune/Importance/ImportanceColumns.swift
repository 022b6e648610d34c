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
        // Indices, not copies: a trial carries several dictionaries, and this runs on 10,000 of them.
        let complete = trials.indices.filter { trials[$0].state == .complete && (trials[$0].value?.isFinite ?? false) }
            .sorted { trials[$0].number < trials[$1].number }
        guard complete.count >= minimumTrials else { throw ImportanceError.notEnoughTrials(found: complete.count, needed: minimumTrials) }
        losses = complete.map { direction == .minimize ? trials[$0].value ?? 0 : -(trials[$0].value ?? 0) }
        // The distribution each parameter is measured on: the one the latest trial that has it used.
        var latest: [String: Distribution] = [:]
        for index in complete.reversed() {
            for (name, distribution) in trials[index].distributions where latest[name] == nil { latest[name] = distribution }
        }
        let names = (requested ?? latest.keys.sorted()).filter { name in
            // A parameter with one possible value explains nothing.
            latest[name].map { $0.singleValue == nil } ?? false
        }
        let slot = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let distributions = names.compactMap { latest[$0] }
        let categorical = distributions.map { if case .categorical = $0 { true } else { false } }
        var rows = [[Int]](repeating: [], count: names.count), coordinates = [[Double]](repeating: [], count: names.count)
        // One pass: each trial's parameters are visited once, each looked up once per dictionary.
        for (row, index) in complete.enumerated() {
            for (name, value) in trials[index].params {
                guard let k = slot[name], trials[index].distributions[name] == distributions[k],
                      let x = distributions[k].internalValue(of: value) else { continue }
                rows[k].append(row)
                coordinates[k].append(categorical[k] ? x : distributions[k].unit(ofInternal: x))
            }
        }
        parameters = names.indices.compactMap { k in
            rows[k].isEmpty ? nil : Parameter(name: names[k], distribution: distributions[k], rows: rows[k], coordinates: coordinates[k])
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
