import Foundation

/// The checks every storage makes before importing a study (`Storage.importStudy`).
public enum StudyImport {
    /// The trials ordered by number, after checking that the numbers are 0, 1, 2, … once each,
    /// that every parameter has its distribution and a value inside it, that a complete trial has
    /// a finite value, and that the study's name is valid.
    public static func validate(_ record: StudyRecord, trials: [FrozenTrial]) throws -> [FrozenTrial] {
        try StudyName.validate(record.name)
        let ordered = trials.sorted { $0.number < $1.number }
        for (index, trial) in ordered.enumerated() {
            guard trial.number == index else {
                throw StorageError.invalidValue("study '\(record.name)': trial numbers must run 0, 1, 2, … without gaps; found \(trial.number) where \(index) belongs")
            }
            for (name, value) in trial.params {
                guard let distribution = trial.distributions[name], distribution.internalValue(of: value) != nil else {
                    throw StorageError.invalidValue("study '\(record.name)', trial \(trial.number): parameter '\(name)' has no distribution it fits")
                }
            }
            if trial.state == .complete && !(trial.value?.isFinite ?? false) {
                throw StorageError.invalidValue("study '\(record.name)', trial \(trial.number): a complete trial needs a finite value")
            }
        }
        return ordered
    }
}

/// Copies studies from one storage to another, losslessly (`Storage.importStudy`): a user who
/// outgrows SQLite moves every study to PostgreSQL, and back.
///
/// ```swift
/// let copied = try StudyCopy.copy(named: "search", from: sqlite, to: postgres)
/// ```
public enum StudyCopy {
    /// Copies the study `name` of `source` into `destination` (as `newName` when given) and
    /// returns its record there. Refuses a name the destination already has.
    @discardableResult
    public static func copy(named name: String, from source: Storage, to destination: Storage, as newName: String? = nil) throws -> StudyRecord {
        guard var record = try source.study(named: name) else { throw StorageError.noSuchStudy(name) }
        let trials = try source.allTrials(studyID: record.id)
        if let newName { record.name = newName }
        return try destination.importStudy(record, trials: trials)
    }

    /// Copies every study of `source` into `destination`, in creation order; `progress` hears of
    /// each study copied (its record in the destination and how many trials it holds). Studies
    /// whose names the destination has already are refused before anything is written.
    @discardableResult
    public static func copyAll(from source: Storage, to destination: Storage,
                               progress: (StudyRecord, Int) -> Void = { _, _ in }) throws -> [StudyRecord] {
        let records = try source.allStudies()
        let taken = Set(try destination.allStudies().map(\.name))
        let clashes = records.map(\.name).filter(taken.contains)
        guard clashes.isEmpty else {
            throw StorageError.invalidValue("the destination already has \(clashes.count == 1 ? "a study" : "studies") named \(clashes.prefix(5).map { "'\($0)'" }.joined(separator: ", ")); nothing was copied")
        }
        return try records.map { record in
            let trials = try source.allTrials(studyID: record.id)
            let copied = try destination.importStudy(record, trials: trials)
            progress(copied, trials.count)
            return copied
        }
    }
}
