import Foundation

/// A study as stored.
public struct StudyRecord: Sendable, Codable, Hashable {
    public var id: Int
    public var name: String
    public var direction: StudyDirection
    public var userAttributes: [String: JSONValue]
    public var systemAttributes: [String: JSONValue]
    public var createdAt: Date

    public init(id: Int, name: String, direction: StudyDirection, userAttributes: [String: JSONValue] = [:],
                systemAttributes: [String: JSONValue] = [:], createdAt: Date = Date()) {
        self.id = id
        self.name = name
        self.direction = direction
        self.userAttributes = userAttributes
        self.systemAttributes = systemAttributes
        self.createdAt = createdAt
    }
}

/// The trials of a study that changed after a revision, and the revision they bring it to. Each
/// changed trial carries at least the intermediate values set after that revision (a storage may
/// give all of them); values are never removed, so a reader merges them into what it read before.
public struct TrialChanges: Sendable {
    public var trials: [FrozenTrial]
    public var revision: Int

    public init(trials: [FrozenTrial], revision: Int) {
        self.trials = trials
        self.revision = revision
    }
}

/// Why a storage operation failed.
public enum StorageError: Error, Equatable, CustomStringConvertible {
    case studyExists(String)
    case noSuchStudy(String)
    case noSuchStudyID(Int)
    case noSuchTrial(Int)
    /// The study was deleted (or replaced) while a run was working on it.
    case studyDeleted(String)
    case trialFinished(number: Int, state: TrialState)
    /// The storage's file was deleted, or replaced by another file, while it was open: nothing
    /// more is written (it would go to a file nobody can see any more).
    case storageFileGone(path: String, replaced: Bool)
    /// A trial finished with `value` but storing it failed with `cause`.
    indirect case resultNotStored(trial: Int, value: Double, cause: StorageError)
    case invalidValue(String)
    case backend(String)

    /// Whether this is `storageFileGone` (the file, not a study or trial, is what went missing).
    public var isStorageFileGone: Bool {
        switch self {
        case .storageFileGone: return true
        case .resultNotStored(_, _, let cause): return cause.isStorageFileGone
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .studyExists(let name): return "a study named '\(name)' already exists"
        case .noSuchStudy(let name): return "no study named '\(name)'"
        case .noSuchStudyID(let id): return "no study with id \(id)"
        case .noSuchTrial(let id): return "no trial with id \(id)"
        case .studyDeleted(let name): return "study '\(name)' was deleted while this run was working on it: stopped (its trials went with it)"
        case let .trialFinished(number, state): return "trial \(number) has already finished (\(state.rawValue)) and cannot change"
        case let .storageFileGone(path, replaced):
            return "the storage file '\(path)' was \(replaced ? "replaced by another file" : "deleted") while this run was using it: "
                + "stopped, writing nothing more (the trials it had stored went with the old file)"
        case let .resultNotStored(trial, value, cause):
            return "trial \(trial) finished with value \(value), which could not be stored: \(cause)"
        case .invalidValue(let message): return message
        case .backend(let message): return message
        }
    }
}

/// Where studies and trials live. Implementations must be safe to call from many threads and,
/// for shared back ends (SQLite, PostgreSQL), from many processes:
///
/// - trial numbers are allocated atomically, 0, 1, 2, … per study, with no gaps or duplicates;
/// - every change to a trial bumps a per-study revision, so a worker can read only what changed
///   since its last read (`trials(studyID:changedAfter:)`), which keeps `ask` cheap on long studies;
/// - running trials carry a heartbeat time so that orphans of dead workers can be detected;
/// - a finished trial never changes again.
public protocol Storage: AnyObject, Sendable {
    /// Whether other processes may work on these studies too (a file or a database server; not
    /// memory): only then do running trials beat and get recovered when their worker dies.
    var isSharedBetweenProcesses: Bool { get }
    /// Creates a study; throws `StorageError.studyExists` if the name is taken, and
    /// `StudyError.invalidArgument` if `StudyName.validate` refuses it.
    func createStudy(name: String, direction: StudyDirection) throws -> StudyRecord
    /// The study named `name`, or nil.
    func study(named name: String) throws -> StudyRecord?
    /// All studies, in creation order.
    func allStudies() throws -> [StudyRecord]
    /// Deletes a study and all its trials.
    func deleteStudy(id: Int) throws
    /// Sets a user (or, with `system`, a system) attribute of a study.
    func setStudyAttribute(studyID: Int, key: String, value: JSONValue, system: Bool) throws

    /// Creates a trial with the next number. `state` is `.running` (started now by `owner`) or
    /// `.waiting` (enqueued; `systemAttributes` then usually holds its fixed parameters).
    /// With `limit`, the trial is created only if the study holds fewer than `limit` trials
    /// (checked atomically with the creation); otherwise the result is nil.
    func createTrial(studyID: Int, state: TrialState, systemAttributes: [String: JSONValue], owner: TrialOwner?,
                     limit: Int?) throws -> FrozenTrial?
    /// Atomically turns the oldest waiting trial into a running one owned by `owner`, or returns nil.
    func claimWaitingTrial(studyID: Int, owner: TrialOwner?) throws -> FrozenTrial?
    /// What `Study.ask` does first: claims the oldest waiting trial for `owner`, else creates a
    /// running one (nil once the study holds `limit` trials; waiting trials are claimed beyond
    /// it). The default calls `claimWaitingTrial`, then `createTrial`; a storage behind a network
    /// does both in one round trip.
    func startTrial(studyID: Int, owner: TrialOwner?, limit: Int?) throws -> FrozenTrial?
    /// Hands the running trial `trialID` from the owner `expected` to `owner` (either may be nil:
    /// no owner) in one atomic step that also refreshes its heartbeat; returns whether the trial
    /// is now `owner`'s — false, changing nothing, when another owner holds it. Throws
    /// `StorageError.trialFinished` for a finished trial. What lets a scheduler release a paused
    /// trial and exactly one of the runners sharing the storage take it up again.
    func handOverTrial(trialID: Int, from expected: TrialOwner?, to owner: TrialOwner?) throws -> Bool
    /// Records a parameter of a running trial.
    func setTrialParam(trialID: Int, name: String, value: ParamValue, distribution: Distribution) throws
    /// Records intermediate values (points of the learning curve, by step) of a running trial,
    /// all in one write: a command that prints thousands of them is stored in batches.
    func setIntermediateValues(trialID: Int, values: [Int: Double]) throws
    /// Sets a user (or, with `system`, a system) attribute of a trial.
    func setTrialAttribute(trialID: Int, key: String, value: JSONValue, system: Bool) throws
    /// Refreshes the heartbeat of a running trial.
    func recordHeartbeat(trialID: Int) throws
    /// Finishes a running trial: complete (with a value), pruned or failed (with a reason).
    func finishTrial(trialID: Int, state: TrialState, value: Double?, reason: String?) throws
    /// One trial by id.
    func trial(id: Int) throws -> FrozenTrial
    /// The trials whose revision is greater than `revision`, and the study's current revision.
    /// Pass 0 to read them all (with every intermediate value). See `TrialChanges` for the
    /// intermediate values of a later read.
    func trials(studyID: Int, changedAfter revision: Int) throws -> TrialChanges
    /// The complete trials of every study, by study id, each study's ordered by number, with their
    /// parameters, value, learning curve and user attributes (other fields may be left out): what
    /// meta-learning reads from every past study. A storage may read them in one pass, far more
    /// cheaply than `allTrials` study by study. Studies without complete trials may be absent.
    func completeTrialsByStudy() throws -> [Int: [FrozenTrial]]
    /// Writes a study and its trials as they are — numbers, states, values, parameters with their
    /// distributions, learning curves, attributes, times, owners and failure reasons — under
    /// `record.name`, which must be free (`StorageError.studyExists`), in one transaction: what
    /// copying a study between storages needs (`StudyCopy`). Ids and revisions are this storage's
    /// own. `trials` must be numbered 0, 1, 2, … (`StudyImport.validate`).
    func importStudy(_ record: StudyRecord, trials: [FrozenTrial]) throws -> StudyRecord
}

extension Storage {
    public var isSharedBetweenProcesses: Bool { true }

    public func startTrial(studyID: Int, owner: TrialOwner?, limit: Int?) throws -> FrozenTrial? {
        try claimWaitingTrial(studyID: studyID, owner: owner)
            ?? createTrial(studyID: studyID, state: .running, systemAttributes: [:], owner: owner, limit: limit)
    }

    public func completeTrialsByStudy() throws -> [Int: [FrozenTrial]] {
        var byStudy: [Int: [FrozenTrial]] = [:]
        for record in try allStudies() {
            byStudy[record.id] = try allTrials(studyID: record.id).filter { $0.state == .complete }
        }
        return byStudy
    }

    /// All trials of a study, ordered by number.
    public func allTrials(studyID: Int) throws -> [FrozenTrial] {
        try trials(studyID: studyID, changedAfter: 0).trials.sorted { $0.number < $1.number }
    }
}
