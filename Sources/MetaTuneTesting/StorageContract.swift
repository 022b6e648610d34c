import Foundation
import MetaTune

/// The contract every `Storage` keeps, as checks anyone who writes a storage (SQLite, PostgreSQL,
/// …) can run against theirs. `verify` calls `make` for a fresh, empty storage per check, giving it
/// the clock the storage must stamp times with; it throws a `ContractViolation` at the first check
/// that fails:
///
/// - studies are created (once per name), found, listed in creation order, attributed and deleted;
/// - every kind of parameter value, distribution, learning-curve value (NaN included), attribute
///   and owner round-trips; a value outside its distribution is refused;
/// - finished trials never change, and finishing wrongly is refused;
/// - waiting trials are claimed once each, in order; `startTrial` claims one before it creates;
/// - a running trial is handed from one owner to another only from the owner expected, once
///   under 8 threads racing for it, with its heartbeat refreshed and its revision moved;
/// - a study total (`limit`) caps trial creation atomically under 8 threads;
/// - incremental reads return only what changed since a revision;
/// - heartbeats move with the storage's clock;
/// - a study runs on the storage with `optimize` and 2 workers;
/// - a long learning curve is read back whole, a step reported again replaced;
/// - a study imported from another storage comes back exactly (`Storage.importStudy`).
public enum StorageContract {
    /// A clock a check sets.
    public typealias Clock = @Sendable () -> Date

    public static func verify(_ name: String, make: (@escaping Clock) throws -> Storage) throws {
        let fixed: Clock = { Date(timeIntervalSince1970: 1_000) }
        try studies(name, try make(fixed))
        try roundTrip(name, try make(fixed))
        try finishedTrialsNeverChange(name, try make(fixed))
        try waitingTrials(name, try make(fixed))
        try handOver(name, make: make)
        try limit(name, try make(fixed))
        try incrementalReads(name, try make(fixed))
        try heartbeats(name, make: make)
        try optimize(name, try make({ Date() }))
        try learningCurve(name, try make({ Date() }))
        try importRoundTrip(name, try make(fixed))
    }

    private static func refuses(_ body: () throws -> Void) -> Error? {
        do { try body() } catch { return error }
        return nil
    }

    private static func unwrap<T>(_ value: T?, _ name: String, _ check: String, _ what: String) throws -> T {
        guard let value else { throw ContractViolation(subject: name, check: check, detail: "no \(what)") }
        return value
    }

    static func studies(_ name: String, _ storage: Storage) throws {
        let check = "studies"
        let a = try storage.createStudy(name: "a", direction: .minimize)
        let b = try storage.createStudy(name: "b", direction: .maximize)
        let again = refuses { _ = try storage.createStudy(name: "a", direction: .minimize) }
        try expect(again as? StorageError == .studyExists("a"), name, check, "a second study 'a' gave \(String(describing: again))")
        try expect(try storage.study(named: "b")?.direction == .maximize, name, check, "study 'b' lost its direction")
        try expect(try storage.study(named: "c") == nil, name, check, "a study that was never created was found")
        try expect(try storage.allStudies().map(\.name) == ["a", "b"], name, check, "the studies are not listed in creation order")
        _ = try storage.createTrial(studyID: a.id, state: .running, systemAttributes: [:], owner: nil, limit: nil)
        try storage.deleteStudy(id: a.id)
        try expect(try storage.allStudies().map(\.id) == [b.id], name, check, "a deleted study is still listed")
        try expect(refuses { try storage.deleteStudy(id: a.id) } != nil, name, check, "deleting a deleted study was accepted")
        try storage.setStudyAttribute(studyID: b.id, key: "k", value: .string("v"), system: false)
        try expect(try storage.study(named: "b")?.userAttributes["k"] == .string("v"), name, check, "a study attribute was lost")
    }

    static func roundTrip(_ name: String, _ storage: Storage) throws {
        let check = "round trip"
        let distributions: [String: (Distribution, ParamValue)] = [
            "float": (.float(try FloatDistribution(low: 0, high: 2)), .float(1.0)),
            "log": (.float(try FloatDistribution(low: 1e-5, high: 1, log: true)), .float(3.3e-4)),
            "step": (.float(try FloatDistribution(low: 0, high: 1, step: 0.1)), .float(0.3)),
            "int": (.int(try IntDistribution(low: 16, high: 512, log: true)), .int(37)),
            "choice": (.categorical(try CategoricalDistribution(choices: [1.0, 2, "x", true])), .float(1.0)),
            "flag": (.categorical(try CategoricalDistribution(choices: [false, true])), .bool(true)),
        ]
        let study = try storage.createStudy(name: "s", direction: .minimize)
        let owner = TrialOwner(host: "h", pid: 42, processStart: 7)
        let trial = try unwrap(try storage.createTrial(studyID: study.id, state: .running, systemAttributes: ["a": .number(1)],
                                                       owner: owner, limit: nil), name, check, "trial created")
        try expect(trial.number == 0, name, check, "the first trial is number \(trial.number)")
        for (param, (distribution, value)) in distributions {
            try storage.setTrialParam(trialID: trial.id, name: param, value: value, distribution: distribution)
        }
        let unitRange = Distribution.float(try FloatDistribution(low: 0, high: 2))
        let outside = refuses { try storage.setTrialParam(trialID: trial.id, name: "bad", value: .float(5), distribution: unitRange) }
        try expect(outside != nil, name, check, "a value outside its distribution was stored")
        try storage.setIntermediateValues(trialID: trial.id, values: [0: 0.5])
        try storage.setIntermediateValues(trialID: trial.id, values: [3: .nan])
        try storage.setTrialAttribute(trialID: trial.id, key: "note", value: .array([.string("x"), .null]), system: false)
        try storage.finishTrial(trialID: trial.id, state: .complete, value: 0.25, reason: nil)
        let stored = try storage.trial(id: trial.id)
        try expect(stored.state == .complete && stored.value == 0.25, name, check, "state \(stored.state), value \(String(describing: stored.value))")
        for (param, (distribution, value)) in distributions {
            try expect(stored.params[param] == value, name, check, "\(param) came back as \(String(describing: stored.params[param]))")
            try expect(stored.distributions[param] == distribution, name, check, "\(param)'s distribution changed")
        }
        try expect(stored.intermediateValues[0] == 0.5 && stored.intermediateValues[3]?.isNaN == true, name, check,
                   "the learning curve came back as \(stored.intermediateValues)")
        try expect(stored.userAttributes["note"] == .array([.string("x"), .null]), name, check, "a user attribute changed")
        try expect(stored.systemAttributes["a"] == .number(1), name, check, "a system attribute changed")
        try expect(stored.owner == owner, name, check, "the owner came back as \(String(describing: stored.owner))")
        try expect(stored.startedAt != nil && stored.completedAt != nil, name, check, "start or end time missing")
    }

    static func finishedTrialsNeverChange(_ name: String, _ storage: Storage) throws {
        let check = "finished trials never change"
        let study = try storage.createStudy(name: "s", direction: .minimize)
        let trial = try unwrap(try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: nil, limit: nil),
                               name, check, "trial created")
        try expect(refuses { try storage.finishTrial(trialID: trial.id, state: .complete, value: .nan, reason: nil) } != nil,
                   name, check, "complete with NaN was accepted")
        try expect(refuses { try storage.finishTrial(trialID: trial.id, state: .complete, value: nil, reason: nil) } != nil,
                   name, check, "complete without a value was accepted")
        try expect(refuses { try storage.finishTrial(trialID: trial.id, state: .running, value: nil, reason: nil) } != nil,
                   name, check, "finishing as running was accepted")
        try storage.finishTrial(trialID: trial.id, state: .failed, value: nil, reason: "boom")
        let twice = refuses { try storage.finishTrial(trialID: trial.id, state: .complete, value: 1, reason: nil) }
        try expect(twice as? StorageError == .trialFinished(number: 0, state: .failed), name, check,
                   "finishing twice gave \(String(describing: twice))")
        try expect(refuses { try storage.setIntermediateValues(trialID: trial.id, values: [1: 1]) } != nil, name, check,
                   "a finished trial took a learning-curve value")
        try expect(refuses { try storage.recordHeartbeat(trialID: trial.id) } != nil, name, check, "a finished trial took a heartbeat")
        try expect(try storage.trial(id: trial.id).failReason == "boom", name, check, "the fail reason was lost")
    }

    static func waitingTrials(_ name: String, _ storage: Storage) throws {
        let check = "waiting trials"
        let study = try storage.createStudy(name: "s", direction: .minimize)
        for i in 0..<2 {
            _ = try storage.createTrial(studyID: study.id, state: .waiting, systemAttributes: ["i": .number(Double(i))], owner: nil, limit: nil)
        }
        let first = try unwrap(try storage.claimWaitingTrial(studyID: study.id, owner: .current), name, check, "waiting trial claimed")
        try expect(first.number == 0 && first.state == .running && first.owner == .current, name, check,
                   "the first claim gave trial \(first.number), \(first.state)")
        try expect(try storage.claimWaitingTrial(studyID: study.id, owner: nil)?.number == 1, name, check, "the second claim is not trial 1")
        try expect(try storage.claimWaitingTrial(studyID: study.id, owner: nil) == nil, name, check, "a trial was claimed twice")
        // startTrial: a waiting trial first, even past the study total; then a new one, under it.
        _ = try storage.createTrial(studyID: study.id, state: .waiting, systemAttributes: [:], owner: nil, limit: nil)
        let claimed = try unwrap(try storage.startTrial(studyID: study.id, owner: .current, limit: 3), name, check, "waiting trial started")
        try expect(claimed.number == 2 && claimed.state == .running && claimed.owner == .current, name, check,
                   "startTrial with trial 2 waiting gave trial \(claimed.number), \(claimed.state)")
        try expect(try storage.startTrial(studyID: study.id, owner: nil, limit: 3) == nil, name, check,
                   "startTrial created a trial past the study total")
        let created = try unwrap(try storage.startTrial(studyID: study.id, owner: .current, limit: nil), name, check, "trial started")
        try expect(created.number == 3 && created.state == .running && created.owner == .current, name, check,
                   "startTrial with nothing waiting gave trial \(created.number), \(created.state)")
    }

    static func handOver(_ name: String, make: (@escaping Clock) throws -> Storage) throws {
        let check = "hand-over"
        let clock = SettableClock(Date(timeIntervalSince1970: 1_000))
        let storage = try make { clock.now }
        let study = try storage.createStudy(name: "s", direction: .minimize)
        let first = TrialOwner(host: "a", pid: 1, processStart: 10), second = TrialOwner(host: "b", pid: 2, processStart: 20)
        let trial = try unwrap(try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: first, limit: nil),
                               name, check, "trial created")
        let before = try storage.trials(studyID: study.id, changedAfter: 0).revision
        try expect(try !storage.handOverTrial(trialID: trial.id, from: second, to: nil), name, check,
                   "a trial was handed over from an owner it does not have")
        try expect(try storage.trial(id: trial.id).owner == first, name, check, "a refused hand-over changed the owner")
        clock.now = Date(timeIntervalSince1970: 1_050)
        try expect(try storage.handOverTrial(trialID: trial.id, from: first, to: nil), name, check, "the owner could not release its trial")
        let released = try storage.trial(id: trial.id)
        try expect(released.owner == nil && released.heartbeatAt == Date(timeIntervalSince1970: 1_050), name, check,
                   "a released trial has owner \(String(describing: released.owner)), heartbeat \(String(describing: released.heartbeatAt))")
        try expect(try storage.trials(studyID: study.id, changedAfter: before).trials.map(\.number) == [0], name, check,
                   "a hand-over did not move the revision")
        // Eight owners race for the released trial: exactly one takes it.
        let winners = NumberLog()
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            let owner = TrialOwner(host: "h\(index)", pid: Int32(100 + index), processStart: Int64(index))
            if (try? storage.handOverTrial(trialID: trial.id, from: nil, to: owner)) == true { winners.add(index) }
        }
        try expect(winners.sorted.count == 1, name, check, "\(winners.sorted.count) owners took one released trial")
        let winner = TrialOwner(host: "h\(winners.sorted[0])", pid: Int32(100 + winners.sorted[0]), processStart: Int64(winners.sorted[0]))
        try expect(try storage.trial(id: trial.id).owner == winner, name, check, "the trial is not its taker's")
        try expect(try storage.handOverTrial(trialID: trial.id, from: nil, to: winner), name, check,
                   "taking again a trial one already holds was refused")
        try storage.finishTrial(trialID: trial.id, state: .pruned, value: nil, reason: nil)
        try expect(refuses { _ = try storage.handOverTrial(trialID: trial.id, from: winner, to: first) } != nil, name, check,
                   "a finished trial was handed over")
    }

    static func limit(_ name: String, _ storage: Storage) throws {
        let study = try storage.createStudy(name: "s", direction: .minimize)
        let numbers = NumberLog()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            while let trial = try? storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: nil, limit: 60) {
                numbers.add(trial.number)
            }
        }
        try expect(numbers.sorted == Array(0..<60), name, "study total", "8 threads created the numbers \(numbers.sorted)")
        try expect(try storage.allTrials(studyID: study.id).count == 60, name, "study total", "the study does not hold exactly 60 trials")
    }

    static func incrementalReads(_ name: String, _ storage: Storage) throws {
        let check = "incremental reads"
        let study = try storage.createStudy(name: "s", direction: .minimize)
        _ = try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: nil, limit: nil)
        let b = try unwrap(try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: nil, limit: nil),
                           name, check, "trial created")
        let all = try storage.trials(studyID: study.id, changedAfter: 0)
        try expect(all.trials.map(\.number) == [0, 1], name, check, "a read from revision 0 gave \(all.trials.map(\.number))")
        try expect(try storage.trials(studyID: study.id, changedAfter: all.revision).trials.isEmpty, name, check,
                   "nothing changed, yet trials were returned")
        try storage.setIntermediateValues(trialID: b.id, values: [2: 0.1])
        let changed = try storage.trials(studyID: study.id, changedAfter: all.revision)
        try expect(changed.trials.map(\.number) == [1] && changed.trials.first?.intermediateValues == [2: 0.1], name, check,
                   "after one change the read gave \(changed.trials.map(\.number))")
        try expect(changed.revision > all.revision, name, check, "the revision did not move")
    }

    static func heartbeats(_ name: String, make: (@escaping Clock) throws -> Storage) throws {
        let clock = SettableClock(Date(timeIntervalSince1970: 1_000))
        let storage = try make { clock.now }
        let study = try storage.createStudy(name: "s", direction: .minimize)
        let trial = try unwrap(try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: nil, limit: nil),
                               name, "heartbeats", "trial created")
        try expect(try storage.trial(id: trial.id).heartbeatAt == Date(timeIntervalSince1970: 1_000), name, "heartbeats",
                   "a new trial's heartbeat is not the storage clock's time")
        clock.now = Date(timeIntervalSince1970: 1_030)
        try storage.recordHeartbeat(trialID: trial.id)
        try expect(try storage.trial(id: trial.id).heartbeatAt == Date(timeIntervalSince1970: 1_030), name, "heartbeats",
                   "a heartbeat did not move to the clock's time")
    }

    static func optimize(_ name: String, _ storage: Storage) throws {
        let study = try Study.create(name: "s", sampler: TPESampler(seed: 3), storage: storage)
        try study.optimize(trials: 25, concurrency: 2) { trial in
            let x = try trial.suggestFloat("x", in: -3...3)
            let kind = try trial.suggestCategorical("kind", ["a", "b"])
            try trial.report(x * x, step: 0)
            return x * x + (kind == "a" ? 0 : 1)
        }
        let trials = try study.trials
        try expect(trials.map(\.number) == Array(0..<25), name, "optimize", "trial numbers \(trials.map(\.number))")
        try expect(trials.allSatisfy { $0.state == .complete && $0.intermediateValues.count == 1 }, name, "optimize",
                   "not every trial is complete with its one learning-curve value")
    }

    static func learningCurve(_ name: String, _ storage: Storage) throws {
        let check = "learning curves"
        let study = try Study.create(name: "c", direction: .minimize, sampler: RandomSampler(seed: 1), storage: storage)
        let trial = try study.ask()
        try trial.report(Dictionary(uniqueKeysWithValues: (0..<500).map { ($0, Double($0)) }))
        try expect(try study.history().trials[0].intermediateValues.count == 500, name, check, "500 values did not come back")
        try trial.report(0.5, step: 500)
        try trial.report(-1, step: 7)  // a step reported again replaces its value
        let curve = try study.history().trials[0].intermediateValues
        try expect(curve.count == 501 && curve[7] == -1 && curve[499] == 499, name, check,
                   "the merged curve has \(curve.count) values, step 7 = \(String(describing: curve[7]))")
        try expect(try storage.allTrials(studyID: study.id)[0].intermediateValues == curve, name, check,
                   "a full read disagrees with the incremental one")
    }
}

extension StorageContract {
    /// A study of every kind of trial, copied in from memory, reads back field for field (less
    /// ids and revisions), and its name cannot be imported twice.
    static func importRoundTrip(_ name: String, _ storage: Storage) throws {
        let check = "import"
        let source = InMemoryStorage(clock: { Date(timeIntervalSince1970: 1_234.5) })
        let study = try source.createStudy(name: "copied", direction: .maximize)
        try source.setStudyAttribute(studyID: study.id, key: "task", value: .object(["rows": .number(10), "tags": .array([.string("é"), .null])]), system: false)
        try source.setStudyAttribute(studyID: study.id, key: "metatune.scheduler", value: .string("asha"), system: true)
        let choice = Distribution.categorical(try CategoricalDistribution(choices: [1.0, "x", true]))
        let unit = Distribution.float(try FloatDistribution(low: 1e-5, high: 1, log: true))
        let owner = TrialOwner(host: "w1", pid: 77, processStart: 12_345)
        for state in [TrialState.complete, .pruned, .failed, .running, .waiting] {
            guard let trial = try source.createTrial(studyID: study.id, state: state == .waiting ? .waiting : .running,
                                                     systemAttributes: ["i": .number(1)], owner: owner, limit: nil) else { continue }
            guard state != .waiting else { continue }
            try source.setTrialParam(trialID: trial.id, name: "lr", value: .float(3.3e-4), distribution: unit)
            try source.setTrialParam(trialID: trial.id, name: "kind", value: .string("x"), distribution: choice)
            try source.setIntermediateValues(trialID: trial.id, values: [0: 0.5, 3: .nan, 10: -2])
            try source.setTrialAttribute(trialID: trial.id, key: "note", value: .string("a \"quoted\" note"), system: false)
            if state.isFinished {
                try source.finishTrial(trialID: trial.id, state: state, value: state == .complete ? 0.125 : nil,
                                       reason: state == .complete ? nil : "why: \(state.rawValue)")
            }
        }
        let original = try source.allTrials(studyID: study.id)
        let imported = try storage.importStudy(try unwrap(try source.study(named: "copied"), name, check, "source study"), trials: original)
        let record = try unwrap(try storage.study(named: "copied"), name, check, "imported study")
        try expect(record.direction == .maximize && record.userAttributes == study.userAttributes.merging(["task": .object(["rows": .number(10), "tags": .array([.string("é"), .null])])]) { $1 }
                   && record.systemAttributes["metatune.scheduler"] == .string("asha") && record.createdAt == study.createdAt && imported.name == "copied",
                   name, check, "the study record changed: \(record)")
        let copied = try storage.allTrials(studyID: record.id)
        try expect(copied.count == original.count, name, check, "\(copied.count) trials of \(original.count)")
        for (a, b) in zip(original, copied) {
            var c = b
            c.id = a.id
            c.revision = a.revision
            let sameCurve = a.intermediateValues.count == c.intermediateValues.count && a.intermediateValues.allSatisfy { step, value in
                c.intermediateValues[step].map { $0 == value || ($0.isNaN && value.isNaN) } ?? false
            }
            c.intermediateValues = a.intermediateValues
            try expect(c == a && sameCurve, name, check, "trial \(a.number) came back as \(b), not \(a)")
        }
        let again = refuses { _ = try storage.importStudy(record, trials: original) }
        try expect(again as? StorageError == .studyExists("copied"), name, check, "a second import of 'copied' gave \(String(describing: again))")
        var gap = original
        gap.removeFirst()
        var renamed = record
        renamed.name = "gap"
        try expect(refuses { _ = try storage.importStudy(renamed, trials: gap) } != nil, name, check, "trials numbered from 1 were imported")
        try expect(try storage.study(named: "gap") == nil, name, check, "a refused import left a study behind")
    }
}

/// A clock the heartbeat check moves.
private final class SettableClock: @unchecked Sendable {
    private let lock = NSLock()
    private var time: Date
    init(_ time: Date) { self.time = time }
    var now: Date {
        get { lock.withLock { time } }
        set { lock.withLock { time = newValue } }
    }
}

/// Numbers collected from many threads.
private final class NumberLog: @unchecked Sendable {
    private let lock = NSLock()
    private var numbers: [Int] = []
    func add(_ number: Int) { lock.withLock { numbers.append(number) } }
    var sorted: [Int] { lock.withLock { numbers.sorted() } }
}
