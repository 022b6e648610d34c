import Foundation

/// A hyperparameter-optimization study: a named series of trials in a storage, with a direction,
/// a sampler that suggests parameters and a pruner that stops unpromising trials.
///
/// ```swift
/// let study = try Study.create(name: "demo", direction: .minimize, sampler: TPESampler(seed: 1))
/// try study.optimize(trials: 100) { trial in
///     let x = try trial.suggestFloat("x", in: -10...10)
///     return (x - 2) * (x - 2)
/// }
/// print(try study.bestTrial?.params ?? [:])
/// ```
///
/// A `Study` is safe to use from many threads; several `Study` objects (in one or many processes)
/// may work on the same stored study at once.
public final class Study: @unchecked Sendable {
    public let name: String
    public let id: Int
    public let direction: StudyDirection
    public let storage: Storage
    public let sampler: Sampler
    public let pruner: Pruner

    private let cacheLock = NSLock()
    private var cachedTrials: [FrozenTrial] = []
    private var cachedRevision = 0
    private let cacheKey = UUID().uuidString

    private init(record: StudyRecord, storage: Storage, sampler: Sampler, pruner: Pruner) {
        self.name = record.name
        self.id = record.id
        self.direction = record.direction
        self.storage = storage
        self.sampler = sampler
        self.pruner = pruner
    }

    /// Creates a study, or with `loadIfExists` loads the one of that name (its stored direction wins
    /// only if it agrees with `direction`; a mismatch is an error). With `loadIfExists`, several
    /// processes may create the same study at once: one creates it, the others load it.
    public static func create(name: String, direction: StudyDirection = .minimize,
                              sampler: Sampler = TPESampler(), pruner: Pruner = NopPruner(),
                              storage: Storage = InMemoryStorage(), loadIfExists: Bool = false) throws -> Study {
        if loadIfExists {
            return try open(name: name, direction: direction, storage: storage, sampler: sampler, pruner: pruner)
        }
        let record = try storage.createStudy(name: name, direction: direction)
        return Study(record: record, storage: storage, sampler: sampler, pruner: pruner)
    }

    /// Loads the study named `name`, or creates it if there is none (with `direction`, or minimize
    /// when nil). A given `direction` must agree with a stored study's. Safe when several
    /// processes open the same new study at once: one creates it, the others load it.
    public static func open(name: String, direction: StudyDirection? = nil, storage: Storage,
                            sampler: Sampler = TPESampler(), pruner: Pruner = NopPruner()) throws -> Study {
        func load(_ record: StudyRecord) throws -> Study {
            if let direction, direction != record.direction {
                throw StudyError.directionMismatch(study: name, stored: record.direction, requested: direction)
            }
            return Study(record: record, storage: storage, sampler: sampler, pruner: pruner)
        }
        if let record = try storage.study(named: name) { return try load(record) }
        do {
            let record = try storage.createStudy(name: name, direction: direction ?? .minimize)
            return Study(record: record, storage: storage, sampler: sampler, pruner: pruner)
        } catch StorageError.studyExists {
            guard let record = try storage.study(named: name) else { throw StorageError.noSuchStudy(name) }
            return try load(record)
        }
    }

    /// Loads an existing study; throws `StorageError.noSuchStudy` when there is none of that name.
    public static func load(name: String, storage: Storage, sampler: Sampler = TPESampler(),
                            pruner: Pruner = NopPruner()) throws -> Study {
        guard let record = try storage.study(named: name) else { throw StorageError.noSuchStudy(name) }
        return Study(record: record, storage: storage, sampler: sampler, pruner: pruner)
    }

    // MARK: - Reading

    /// The study's trials as samplers and pruners see them, read incrementally from the storage.
    public func history() throws -> StudyHistory {
        let changes: TrialChanges
        cacheLock.lock()
        let since = cachedRevision
        cacheLock.unlock()
        changes = try storage.trials(studyID: id, changedAfter: since)
        cacheLock.lock()
        defer { cacheLock.unlock() }
        if changes.revision > cachedRevision {
            for trial in changes.trials {
                while cachedTrials.count <= trial.number {
                    cachedTrials.append(FrozenTrial(id: -1, number: cachedTrials.count, state: .waiting, revision: -1))
                }
                guard trial.revision > cachedTrials[trial.number].revision else { continue }
                // The change carries the values set since the last read: merge them in place, so a
                // long learning curve is not copied at every report.
                var values = cachedTrials[trial.number].intermediateValues
                cachedTrials[trial.number] = trial
                for (step, value) in trial.intermediateValues { values[step] = value }
                cachedTrials[trial.number].intermediateValues = values
            }
            cachedRevision = changes.revision
        }
        return StudyHistory(direction: direction, trials: cachedTrials, cacheKey: cacheKey)
    }

    /// All trials, in number order.
    public var trials: [FrozenTrial] {
        get throws { try history().trials }
    }

    /// The best complete trial, or nil when none has completed.
    public var bestTrial: FrozenTrial? {
        get throws { try history().bestTrial }
    }

    // MARK: - Ask and tell

    /// Starts a trial: an enqueued one if any is waiting, else a new one. Parameters are then
    /// suggested through the returned `Trial`.
    public func ask() throws -> Trial {
        guard let trial = try ask(limit: nil) else { throw StorageError.backend("no trial could be created") }
        return trial
    }

    /// Like `ask()`, but returns nil instead of creating a new trial once the study holds `limit`
    /// trials (checked atomically, so many workers together never exceed it). Waiting (enqueued)
    /// trials are still handed out.
    public func ask(limit: Int?) throws -> Trial? {
        guard let frozen = try storage.startTrial(studyID: id, owner: .current, limit: limit) else { return nil }
        let history = try self.history()
        // Constant parameters are the trial's to fill in (`Distribution.singleValue`), never a sampler's.
        let space = sampler.relativeSearchSpace(history: history, trial: frozen).filter { $0.value.singleValue == nil }
        let relative = space.isEmpty ? [:] : sampler.sampleRelative(history: history, trial: frozen, space: space)
        if frozen.systemAttributes[Trial.fixedParamsKey] == nil, let origin = sampler.origin(of: frozen, history: history) {
            try storage.setTrialAttribute(trialID: frozen.id, key: Trial.originKey, value: .string(origin), system: true)
        }
        return Trial(study: self, frozen: frozen, relativeSpace: space, relativeParams: relative)
    }

    /// Starts a trial and suggests every active parameter of `space` at once.
    public func ask(space: SearchSpace) throws -> Trial {
        let trial = try ask()
        do {
            _ = try trial.suggest(space: space)
        } catch {
            try? tell(trial, state: .failed, reason: "\(error)")
            throw error
        }
        return trial
    }

    /// Finishes a trial with its objective value. NaN or infinity fail the trial (with the reason)
    /// instead; the returned state says which happened.
    @discardableResult
    public func tell(_ trial: Trial, value: Double) throws -> TrialState {
        if value.isFinite {
            try tell(trial, state: .complete, value: value)
            return .complete
        }
        try tell(trial, state: .failed, reason: "the objective returned \(value)")
        return .failed
    }

    /// Finishes a trial in the given state (complete needs a finite value; pruned and failed may
    /// give a reason).
    public func tell(_ trial: Trial, state: TrialState, value: Double? = nil, reason: String? = nil) throws {
        try storage.finishTrial(trialID: trial.id, state: state, value: value, reason: reason)
    }

    /// Queues a configuration: the next `ask` evaluates exactly these values (parameters not
    /// listed are sampled as usual).
    public func enqueue(_ params: [String: ParamValue]) throws {
        let fixed = JSONValue.object(params.mapValues(\.jsonValue))
        _ = try storage.createTrial(studyID: id, state: .waiting, systemAttributes: [Trial.fixedParamsKey: fixed],
                                    owner: nil, limit: nil)
    }

    /// Sets a user attribute of the study.
    public func setUserAttribute(_ key: String, _ value: JSONValue) throws {
        try storage.setStudyAttribute(studyID: id, key: key, value: value, system: false)
    }
}

/// Errors of the study API.
public enum StudyError: Error, Equatable, CustomStringConvertible {
    case directionMismatch(study: String, stored: StudyDirection, requested: StudyDirection)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .directionMismatch(study, stored, requested):
            return "study '\(study)' exists with direction \(stored.rawValue), not \(requested.rawValue)"
        case .invalidArgument(let message):
            return message
        }
    }
}
