import Foundation
import MetaTune
import MetaTuneReport

/// Keeps each study's trials, plots and importances between requests: trials are brought up to
/// date with the storage's incremental read (only what changed since the last revision), and
/// plots and importances are recomputed only when the study's revision moved.
actor StudyCache {
    private struct Entry {
        var record: StudyRecord
        var trials: [Int: FrozenTrial]
        var revision: Int
        var plots: (revision: Int, plots: [Plot], importances: ParameterImportances?)?
    }

    let storage: Storage
    private var entries: [String: Entry] = [:]

    init(storage: Storage) { self.storage = storage }

    /// The study's current snapshot and revision (nil when there is no such study).
    func snapshot(_ name: String) throws -> (snapshot: StudySnapshot, revision: Int)? {
        guard let entry = try refreshed(name) else { return nil }
        return (StudySnapshot(record: entry.record, trials: Array(entry.trials.values)), entry.revision)
    }

    /// The study's plots, drawn at most once per revision.
    func plots(_ name: String) throws -> (plots: [Plot], importances: ParameterImportances?, revision: Int)? {
        guard var entry = try refreshed(name) else { return nil }
        if let cached = entry.plots, cached.revision == entry.revision { return (cached.plots, cached.importances, cached.revision) }
        let made = StudyPlots.make(StudySnapshot(record: entry.record, trials: Array(entry.trials.values)))
        entry.plots = (entry.revision, made.plots, made.importances)
        entries[name] = entry
        return (made.plots, made.importances, entry.revision)
    }

    /// The entry for `name`, brought up to date with what changed in the storage.
    private func refreshed(_ name: String) throws -> Entry? {
        guard let record = try storage.study(named: name) else {
            entries[name] = nil
            return nil
        }
        var entry = entries[name].flatMap { $0.record.id == record.id ? $0 : nil }
            ?? Entry(record: record, trials: [:], revision: 0, plots: nil)
        entry.record = record
        let changes = try storage.trials(studyID: record.id, changedAfter: entry.revision)
        for var trial in changes.trials {
            // A later read may carry only the new intermediate values: merge them.
            if let known = entry.trials[trial.id], entry.revision > 0 {
                trial.intermediateValues = known.intermediateValues.merging(trial.intermediateValues) { $1 }
            }
            entry.trials[trial.id] = trial
        }
        entry.revision = changes.revision
        entries[name] = entry
        return entry
    }
}
