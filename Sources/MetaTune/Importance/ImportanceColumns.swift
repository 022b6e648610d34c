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

        let scans = Self.scan(trials, complete: complete, only: requested.map(Set.init))
        // A parameter is measured on the distribution of the latest trial that declared it, over
        // the trials that drew it from that distribution.
        var names: [String] = []
        var latest: [String: (row: Int, distribution: Distribution)] = [:]
        for scan in scans {
            for entry in scan.entries {
                if latest[entry.name] == nil { names.append(entry.name) }
                if entry.latestRow >= latest[entry.name]?.row ?? -1 {
                    latest[entry.name] = (entry.latestRow, entry.groups[entry.latestGroup].distribution)
                }
            }
        }
        var seen = Set<String>()
        let order = requested.map { $0.filter { latest[$0] != nil && seen.insert($0).inserted } } ?? names.sorted()
        parameters = order.compactMap { name in
            guard let distribution = latest[name]?.distribution, distribution.singleValue == nil else { return nil }
            var rows: [Int] = [], coordinates: [Double] = []
            for scan in scans {
                for entry in scan.entries where entry.name == name {
                    for group in entry.groups where group.distribution == distribution {
                        rows += group.rows
                        if case .categorical = distribution { coordinates += group.values } else {
                            coordinates += group.values.map { distribution.unit(ofInternal: $0) }
                        }
                    }
                }
            }
            return rows.isEmpty ? nil : Parameter(name: name, distribution: distribution, rows: rows, coordinates: coordinates)
        }
        guard !parameters.isEmpty else { throw ImportanceError.noParameters }
    }

    /// Scans the complete trials in stretches, on several threads for a large study (reading
    /// the trials is bound by memory latency, which threads overlap).
    private static func scan(_ trials: [FrozenTrial], complete: [Int], only allowed: Set<String>?) -> [ParameterScan] {
        let parts = complete.count >= 4_096 ? max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4)) : 1
        let results = ScanResults(count: parts)
        trials.withUnsafeBufferPointer { buffer in
            let shared = UnsafeSendable(buffer)
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                let rows = (complete.count * part / parts)..<(complete.count * (part + 1) / parts)
                results.set(part, ParameterScan(trials: shared.value, complete: complete, rows: rows, only: allowed))
            }
        }
        return results.all
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

/// The scans of the stretches, filled by the threads that made them.
private final class ScanResults: @unchecked Sendable {
    private let lock = NSLock()
    private var scans: [ParameterScan?]

    init(count: Int) { scans = Array(repeating: nil, count: count) }

    func set(_ part: Int, _ scan: ParameterScan) { lock.withLock { scans[part] = scan } }

    var all: [ParameterScan] { lock.withLock { scans.compactMap { $0 } } }
}

/// A value handed to the scanning threads, which only read it while the caller waits.
private struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
