import Foundation

/// Why a study was not deleted.
public enum StudyDeletionRefusal: Error, Equatable, CustomStringConvertible {
    /// A live runner works on the study: deleting it would pull these running trials from under it.
    case liveTrials(study: String, count: Int, owner: TrialOwner?)

    public var description: String {
        switch self {
        case let .liveTrials(study, count, owner):
            let where_ = owner.map { " (host \($0.host), pid \($0.pid))" } ?? ""
            return "study '\(study)' has \(count) running trial\(count == 1 ? "" : "s") of a live runner\(where_): stop the runner first"
        }
    }
}

extension Storage {
    /// Deletes the study `record` and all its trials — unless a live runner works on it (running
    /// trials whose worker is alive, see `liveTrials`), which `force` overrides (its in-flight
    /// trials are then lost).
    public func deleteStudy(_ record: StudyRecord, force: Bool = false) throws {
        if !force {
            let live = try liveTrials(studyID: record.id)
            if let first = live.first { throw StudyDeletionRefusal.liveTrials(study: record.name, count: live.count, owner: first.owner) }
        }
        try deleteStudy(id: record.id)
    }
}
