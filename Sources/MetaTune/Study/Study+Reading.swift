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
        let complete = try trials.compactMap { trial in trial.state == .complete ? trial.value.map { (trial, $0) } : nil }
        let ranked = complete.sorted { a, b in a.1 == b.1 ? a.0.number < b.0.number : direction.isBetter(a.1, than: b.1) }
        return ranked.prefix(count).map(\.0)
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

    /// The whole study as one JSON document (`StudyExport`): distributions, and every trial with
    /// its parameters, value, learning curve, user attributes and failure reason.
    public func exportJSON() throws -> String {
        StudyExport.json(try record(), trials: try trials)
    }

    private func record() throws -> StudyRecord {
        guard let record = try storage.study(named: name), record.id == id else { throw StorageError.studyDeleted(name) }
        return record
    }
}
