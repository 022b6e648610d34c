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

        // One pass from the latest trial back: the first time a name is met fixes the distribution
        // it is measured on (the latest trial's), and every trial adds its coordinate when it drew
        // the parameter from that distribution. Fields are read in place: copying a trial would
        // retain each of its dictionaries.
        var slots = ParameterSlots(only: requested)
        var distributions: [Distribution] = [], categorical: [Bool] = []
        var rows: [[Int]] = [], coordinates: [[Double]] = []
        var sameDistribution: [Bool] = [], internalValue: [Double] = []
        trials.withUnsafeBufferPointer { trials in
            for row in complete.indices.reversed() {
                let index = complete[row]
                for (name, distribution) in trials[index].distributions {
                    guard let k = slots.slot(of: name) else { continue }
                    if k == distributions.count {
                        distributions.append(distribution)
                        if case .categorical = distribution { categorical.append(true) } else { categorical.append(false) }
                        rows.append([]); coordinates.append([]); sameDistribution.append(false); internalValue.append(.nan)
                        rows[k].reserveCapacity(complete.count - row); coordinates[k].reserveCapacity(complete.count - row)
                    }
                    sameDistribution[k] = distribution == distributions[k]
                }
                for (name, value) in trials[index].params {
                    guard let k = slots.existingSlot(of: name), sameDistribution[k] else { continue }
                    internalValue[k] = distributions[k].internalValue(of: value) ?? .nan
                }
                for k in distributions.indices {
                    let x = internalValue[k]
                    sameDistribution[k] = false
                    internalValue[k] = .nan
                    guard !x.isNaN else { continue }
                    rows[k].append(row)
                    coordinates[k].append(categorical[k] ? x : distributions[k].unit(ofInternal: x))
                }
            }
        }
        for k in rows.indices { rows[k].reverse(); coordinates[k].reverse() }
        // Requested order, else by name; a parameter with one possible value explains nothing.
        let order = requested.map { $0.compactMap { slots.existingSlot(of: $0) } }
            ?? slots.names.indices.sorted { slots.names[$0] < slots.names[$1] }
        parameters = order.compactMap { k in
            guard !rows[k].isEmpty, distributions[k].singleValue == nil else { return nil }
            return Parameter(name: slots.names[k], distribution: distributions[k],
                             rows: rows[k], coordinates: coordinates[k])
        }
        guard !parameters.isEmpty else { throw ImportanceError.noParameters }
    }

    /// The loss at or below which a trial counts among the best `quantile` of all (at least one).
    func cutoff(quantile: Double) -> Double {
        let rank = min(losses.count - 1, max(0, Int((quantile * Double(losses.count)).rounded(.up)) - 1))
        return Self.select(rank, in: losses)
    }

    /// The `rank`-th smallest of `values` (0-based), by quickselect: linear on average, where a
    /// sort would be n log n.
    static func select(_ rank: Int, in values: [Double]) -> Double {
        var values = values
        var low = 0, high = values.count - 1
        while low < high {
            let pivot = values[(low + high) / 2]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j { values.swapAt(i, j); i += 1; j -= 1 }
            }
            if rank <= j { high = j } else if rank >= i { low = i } else { return values[rank] }
        }
        return values[rank]
    }
}

/// Parameter names numbered in the order they are first met. A study has a handful of
/// parameters, so a short list compared name by name beats hashing each name of each trial;
/// past `linearLimit` names a dictionary takes over.
private struct ParameterSlots {
    private static let linearLimit = 16
    private(set) var names: [String] = []
    private var index: [String: Int] = [:]
    private let allowed: Set<String>?

    init(only allowed: [String]?) { self.allowed = allowed.map(Set.init) }

    /// The slot of `name`, a new one the first time an allowed name is met; nil for a name not allowed.
    mutating func slot(of name: String) -> Int? {
        if let k = existingSlot(of: name) { return k }
        guard allowed?.contains(name) ?? true else { return nil }
        names.append(name)
        if names.count == Self.linearLimit + 1 {
            index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        } else if names.count > Self.linearLimit {
            index[name] = names.count - 1
        }
        return names.count - 1
    }

    /// The slot of a name already met.
    func existingSlot(of name: String) -> Int? {
        names.count > Self.linearLimit ? index[name] : names.firstIndex(of: name)
    }
}
