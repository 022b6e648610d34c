import Foundation

extension Study {
    /// The parameters of the best complete trial, or nil when none has completed.
    public var bestParams: [String: ParamValue]? {
        get throws { try bestTrial?.params }
    }

    /// The objective value of the best complete trial, or nil when none has completed.
    public var bestValue: Double? {
        get throws { try bestTrial?.value }
    }

    /// The `count` best complete trials, best first (of equal values, the earlier trial first).
    public func bestTrials(_ count: Int) throws -> [FrozenTrial] {
        guard count > 0 else { return [] }
        let complete = try trials.filter { $0.state == .complete && $0.value != nil }
        let ranked = complete.sorted { a, b in
            a.value! == b.value! ? a.number < b.number : direction.isBetter(a.value!, than: b.value!)
        }
        return Array(ranked.prefix(count))
    }

    /// The study's user attributes (`setUserAttribute`), read from the storage.
    public var userAttributes: [String: JSONValue] {
        get throws { try record().userAttributes }
    }

    /// The attributes MetaTune keeps on the study (meta-features, objective, …), read from the storage.
    public var systemAttributes: [String: JSONValue] {
        get throws { try record().systemAttributes }
    }

    /// Every trial as a table (`TrialsTable`): one row per trial, a column per parameter.
    public func trialsTable() throws -> TrialsTable {
        TrialsTable(trials: try trials)
    }

    private func record() throws -> StudyRecord {
        guard let record = try storage.study(named: name), record.id == id else { throw StorageError.studyDeleted(name) }
        return record
    }
}
