import Foundation

/// A storage that keeps everything in this process's memory: fast, and gone when the process ends.
public final class InMemoryStorage: Storage, @unchecked Sendable {
    /// Memory is this process's alone: no heartbeats, no orphans to recover.
    public var isSharedBetweenProcesses: Bool { false }

    private struct StudyData {
        var record: StudyRecord
        /// Trials by number.
        var trials: [FrozenTrial] = []
        var revision = 0
        var waitingCount = 0
    }

    private let lock = NSLock()
    private var studies: [Int: StudyData] = [:]
    /// Where each trial id lives: (study id, trial number).
    private var locations: [Int: (study: Int, number: Int)] = [:]
    private var nextStudyID = 1
    private var nextTrialID = 1
    private let clock: @Sendable () -> Date

    /// Creates an empty storage; `clock` supplies timestamps (injectable for tests).
    public init(clock: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = clock
    }

    public func createStudy(name: String, direction: StudyDirection) throws -> StudyRecord {
        try StudyName.validate(name)
        return try locked {
            if studies.values.contains(where: { $0.record.name == name }) { throw StorageError.studyExists(name) }
            let record = StudyRecord(id: nextStudyID, name: name, direction: direction, createdAt: clock())
            studies[record.id] = StudyData(record: record)
            nextStudyID += 1
            return record
        }
    }

    public func study(named name: String) throws -> StudyRecord? {
        locked { studies.values.first { $0.record.name == name }?.record }
    }

    public func allStudies() throws -> [StudyRecord] {
        locked { studies.values.map(\.record).sorted { $0.id < $1.id } }
    }

    public func deleteStudy(id: Int) throws {
        try locked {
            guard let data = studies.removeValue(forKey: id) else { throw StorageError.noSuchStudyID(id) }
            for trial in data.trials { locations[trial.id] = nil }
        }
    }

    public func setStudyAttribute(studyID: Int, key: String, value: JSONValue, system: Bool) throws {
        try locked {
            guard studies[studyID] != nil else { throw StorageError.noSuchStudyID(studyID) }
            if system {
                studies[studyID]!.record.systemAttributes[key] = value
            } else {
                studies[studyID]!.record.userAttributes[key] = value
            }
        }
    }

    public func createTrial(studyID: Int, state: TrialState, systemAttributes: [String: JSONValue], owner: TrialOwner?,
                            limit: Int?) throws -> FrozenTrial? {
        try locked {
            guard studies[studyID] != nil else { throw StorageError.noSuchStudyID(studyID) }
            if let limit, studies[studyID]!.trials.count >= limit { return nil }
            guard state == .running || state == .waiting else {
                throw StorageError.invalidValue("a new trial must be running or waiting, not \(state.rawValue)")
            }
            studies[studyID]!.revision += 1
            let now = clock()
            let number = studies[studyID]!.trials.count
            let trial = FrozenTrial(id: nextTrialID, number: number, state: state,
                                    systemAttributes: systemAttributes,
                                    startedAt: state == .running ? now : nil,
                                    heartbeatAt: state == .running ? now : nil,
                                    owner: state == .running ? owner : nil, revision: studies[studyID]!.revision)
            nextTrialID += 1
            studies[studyID]!.trials.append(trial)
            if state == .waiting { studies[studyID]!.waitingCount += 1 }
            locations[trial.id] = (studyID, number)
            return trial
        }
    }

    public func claimWaitingTrial(studyID: Int, owner: TrialOwner?) throws -> FrozenTrial? {
        try locked {
            guard let data = studies[studyID] else { throw StorageError.noSuchStudyID(studyID) }
            guard data.waitingCount > 0,
                  let number = data.trials.indices.first(where: { data.trials[$0].state == .waiting }) else { return nil }
            let now = clock()
            studies[studyID]!.waitingCount -= 1
            return try update(trialID: data.trials[number].id, requireRunning: false) { trial in
                trial.state = .running
                trial.startedAt = now
                trial.heartbeatAt = now
                trial.owner = owner
            }
        }
    }

    public func handOverTrial(trialID: Int, from expected: TrialOwner?, to owner: TrialOwner?) throws -> Bool {
        try locked {
            guard let (studyID, number) = locations[trialID] else { throw StorageError.noSuchTrial(trialID) }
            let current = studies[studyID]!.trials[number].owner
            if studies[studyID]!.trials[number].state == .running, current != expected, current != owner { return false }
            let now = clock()
            _ = try update(trialID: trialID) { trial in
                trial.owner = owner
                trial.heartbeatAt = now
            }
            return true
        }
    }

    public func setTrialParam(trialID: Int, name: String, value: ParamValue, distribution: Distribution) throws {
        guard distribution.internalValue(of: value) != nil else {
            throw StorageError.invalidValue(SearchSpaceError.valueNotInDistribution(
                name: name, value: value.description, distribution: distribution.summary).description)
        }
        try locked {
            _ = try update(trialID: trialID) { trial in
                trial.params[name] = value
                trial.distributions[name] = distribution
            }
        }
    }

    public func setIntermediateValues(trialID: Int, values: [Int: Double]) throws {
        try locked { _ = try update(trialID: trialID) { $0.intermediateValues.merge(values) { $1 } } }
    }

    public func setTrialAttribute(trialID: Int, key: String, value: JSONValue, system: Bool) throws {
        try locked {
            _ = try update(trialID: trialID, requireRunning: false) { trial in
                if system { trial.systemAttributes[key] = value } else { trial.userAttributes[key] = value }
            }
        }
    }

    public func recordHeartbeat(trialID: Int) throws {
        let now = clock()
        try locked { _ = try update(trialID: trialID) { $0.heartbeatAt = now } }
    }

    public func finishTrial(trialID: Int, state: TrialState, value: Double?, reason: String?) throws {
        guard state.isFinished else { throw StorageError.invalidValue("cannot finish a trial as \(state.rawValue)") }
        if state == .complete {
            guard let value, value.isFinite else { throw StorageError.invalidValue("a complete trial needs a finite value") }
        }
        let now = clock()
        try locked {
            _ = try update(trialID: trialID) { trial in
                trial.state = state
                trial.value = state == .complete ? value : nil
                trial.failReason = reason
                trial.completedAt = now
            }
        }
    }

    public func trial(id: Int) throws -> FrozenTrial {
        try locked {
            guard let location = locations[id] else { throw StorageError.noSuchTrial(id) }
            return studies[location.study]!.trials[location.number]
        }
    }

    public func trials(studyID: Int, changedAfter revision: Int) throws -> TrialChanges {
        try locked {
            guard let data = studies[studyID] else { throw StorageError.noSuchStudyID(studyID) }
            var changed: [FrozenTrial] = []
            if revision < data.revision {
                for number in data.trials.indices where data.trials[number].revision > revision {
                    changed.append(data.trials[number])
                }
            }
            return TrialChanges(trials: changed, revision: data.revision)
        }
    }

    public func importStudy(_ record: StudyRecord, trials: [FrozenTrial]) throws -> StudyRecord {
        let ordered = try StudyImport.validate(record, trials: trials)
        return try locked {
            if studies.values.contains(where: { $0.record.name == record.name }) { throw StorageError.studyExists(record.name) }
            var imported = record
            imported.id = nextStudyID
            nextStudyID += 1
            var data = StudyData(record: imported)
            for (index, trial) in ordered.enumerated() {
                var copy = trial
                copy.id = nextTrialID
                copy.revision = index + 1
                nextTrialID += 1
                locations[copy.id] = (imported.id, copy.number)
                data.trials.append(copy)
                if copy.state == .waiting { data.waitingCount += 1 }
            }
            data.revision = ordered.count
            studies[imported.id] = data
            return imported
        }
    }

    // MARK: - Helpers (call with the lock held)

    private func update(trialID: Int, requireRunning: Bool = true, _ change: (inout FrozenTrial) -> Void) throws -> FrozenTrial {
        guard let (studyID, number) = locations[trialID] else { throw StorageError.noSuchTrial(trialID) }
        let state = studies[studyID]!.trials[number].state
        if requireRunning && state != .running {
            if state == .waiting { throw StorageError.invalidValue("trial \(number) is waiting and has not started") }
            throw StorageError.trialFinished(number: number, state: state)
        }
        studies[studyID]!.revision += 1
        let revision = studies[studyID]!.revision
        change(&studies[studyID]!.trials[number])
        studies[studyID]!.trials[number].revision = revision
        return studies[studyID]!.trials[number]
    }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
