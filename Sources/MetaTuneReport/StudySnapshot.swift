import Foundation
import MetaTune

/// One study as read at one moment: what the report and the dashboard draw from.
public struct StudySnapshot: Sendable {
    /// The study.
    public let record: StudyRecord
    /// Its trials, in number order.
    public let trials: [FrozenTrial]

    public init(record: StudyRecord, trials: [FrozenTrial]) {
        self.record = record
        self.trials = trials.sorted { $0.number < $1.number }
    }

    /// Reads the study `name` from `storage`.
    public init(name: String, storage: Storage) throws {
        guard let record = try storage.study(named: name) else { throw StorageError.noSuchStudy(name) }
        self.init(record: record, trials: try storage.allTrials(studyID: record.id))
    }

    public var direction: StudyDirection { record.direction }

    /// Complete trials with a finite value, in number order.
    public var complete: [FrozenTrial] { trials.filter { $0.state == .complete && ($0.value?.isFinite ?? false) } }

    /// The best complete trial.
    public var best: FrozenTrial? { StudyHistory(direction: direction, trials: trials).bestTrial }

    /// Whether `a` is better than `b` in this study's direction.
    func isBetter(_ a: Double, than b: Double) -> Bool { direction == .minimize ? a < b : a > b }

    /// The best value after each complete trial, by trial number.
    var bestSoFar: [(number: Int, value: Double)] {
        var best: Double?
        var points: [(number: Int, value: Double)] = []
        for trial in complete {
            guard let value = trial.value else { continue }
            let current = best.map { isBetter(value, than: $0) ? value : $0 } ?? value
            best = current
            points.append((trial.number, current))
        }
        return points
    }

    /// The parameters the trials use, with the distribution the latest trial that has each one used.
    var parameters: [(name: String, distribution: Distribution)] {
        var latest: [String: Distribution] = [:]
        for trial in trials { latest.merge(trial.distributions) { $1 } }
        return latest.keys.sorted().compactMap { name in latest[name].map { (name, $0) } }
    }

    /// The scheduler a scheduled run recorded (`SchedulerSettings.studyAttributeKey`).
    var scheduler: [String: JSONValue]? {
        if case .object(let object)? = record.systemAttributes[SchedulerSettings.studyAttributeKey] { return object }
        return nil
    }
}

/// Where a trial's configuration came from, as reports group it.
enum TrialOrigin: Hashable, Comparable {
    /// The sampler's own choice.
    case sampler
    /// Enqueued by hand (fixed parameters).
    case enqueued
    /// A retry of a trial whose worker died.
    case retry
    /// Meta-learning: the kind named by `Sampler.origin(of:history:)` (knn, portfolio, transfer, mapping, …).
    case meta(String)

    init(_ trial: FrozenTrial) {
        if case .string(let text)? = trial.systemAttributes[Trial.originKey] {
            let kind = text.split(whereSeparator: { $0 == ":" || $0 == " " }).first.map(String.init) ?? "meta"
            self = .meta(kind)
        } else if trial.systemAttributes["retry_of"] != nil {
            self = .retry
        } else if trial.systemAttributes["fixed_params"] != nil {
            self = .enqueued
        } else {
            self = .sampler
        }
    }

    var label: String {
        switch self {
        case .sampler: "sampler"
        case .enqueued: "enqueued"
        case .retry: "retry"
        case .meta(let kind): "meta: \(kind)"
        }
    }

    /// The origin in words, with the detail the sampler recorded.
    static func detail(_ trial: FrozenTrial) -> String {
        if case .string(let text)? = trial.systemAttributes[Trial.originKey] { return text }
        return TrialOrigin(trial).label
    }
}
