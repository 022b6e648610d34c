import Foundation

/// What one stretch of complete trials holds for each parameter: per distribution it was drawn
/// from, the trials (rows) that have it and their internal values. Stretches are scanned on
/// separate threads and merged by `ImportanceColumns`.
struct ParameterScan {
    /// The values of one parameter drawn from one distribution.
    struct Group {
        let distribution: Distribution
        var rows: [Int] = []
        var values: [Double] = []
    }

    /// One parameter of the stretch.
    struct Entry {
        let name: String
        var groups: [Group]
        /// The latest row whose trial declared the parameter, and the group of its distribution.
        var latestRow: Int
        var latestGroup: Int
    }

    private(set) var entries: [Entry] = []
    private var slots: ParameterSlots

    /// Scans `rows` of `complete` (indices into `trials`, in row order). Trial fields are read in
    /// place: copying a trial would retain each of its dictionaries.
    init(trials: UnsafeBufferPointer<FrozenTrial>, complete: [Int], rows: Range<Int>, only allowed: Set<String>?) {
        slots = ParameterSlots(only: allowed)
        var groupOfTrial: [Int] = []   // per entry: the group of the trial being read, or -1
        var touched: [Int] = []
        for row in rows {
            let trial = complete[row]
            for (name, distribution) in trials[trial].distributions {
                guard let k = slots.slot(of: name) else { continue }
                if k == entries.count {
                    entries.append(Entry(name: name, groups: [Group(distribution: distribution)], latestRow: row, latestGroup: 0))
                    groupOfTrial.append(-1)
                }
                let g = group(of: distribution, in: k)
                entries[k].latestRow = row
                entries[k].latestGroup = g
                groupOfTrial[k] = g
                touched.append(k)
            }
            for (name, value) in trials[trial].params {
                guard let k = slots.existingSlot(of: name), groupOfTrial[k] >= 0 else { continue }
                let g = groupOfTrial[k]
                guard let x = entries[k].groups[g].distribution.internalValue(of: value) else { continue }
                entries[k].groups[g].rows.append(row)
                entries[k].groups[g].values.append(x)
            }
            for k in touched { groupOfTrial[k] = -1 }
            touched.removeAll(keepingCapacity: true)
        }
    }

    /// The group of `distribution` in entry `k`: the latest trial's first (a study rarely
    /// changes a distribution), else any, else a new one.
    private mutating func group(of distribution: Distribution, in k: Int) -> Int {
        let latest = entries[k].latestGroup
        if entries[k].groups[latest].distribution == distribution { return latest }
        if let g = entries[k].groups.firstIndex(where: { $0.distribution == distribution }) { return g }
        entries[k].groups.append(Group(distribution: distribution))
        return entries[k].groups.count - 1
    }
}

/// Parameter names numbered in the order they are first met. A study has a handful of
/// parameters, so a short list compared name by name beats hashing each name of each trial;
/// past `linearLimit` names a dictionary takes over.
struct ParameterSlots {
    private static let linearLimit = 16
    private(set) var names: [String] = []
    private var index: [String: Int] = [:]
    private let allowed: Set<String>?

    init(only allowed: Set<String>?) { self.allowed = allowed }

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
