import Foundation
import MetaTune

/// One past task: the configurations tried on it with their scores, and what is known about it —
/// its meta-features (nil for a task they were not computed for, e.g. an external command's) and
/// what its study measured.
public struct PastTask: Sendable, Codable, Equatable {
    /// How a collected task's trials were trained and scored: `meta collect`'s `--epochs` and
    /// `--metric`.
    public struct CollectionSettings: Sendable, Codable, Hashable {
        public let epochs: Int
        /// A `TaskMetric` raw value.
        public let metric: String

        public init(epochs: Int, metric: String) {
            self.epochs = epochs
            self.metric = metric
        }
    }

    public let name: String
    public let metaFeatures: MetaFeatures?
    public var trials: [PastTrial]
    /// Set for tasks `meta collect` evaluated; nil for other studies.
    public var collection: CollectionSettings?
    /// What the task's study measured, when it recorded it.
    public var objective: ObjectiveSignature?

    public init(name: String, metaFeatures: MetaFeatures?, trials: [PastTrial], collection: CollectionSettings? = nil,
                objective: ObjectiveSignature? = nil) {
        self.name = name
        self.metaFeatures = metaFeatures
        self.trials = trials
        self.collection = collection
        self.objective = objective
    }

    /// The best score on the task, or nil when nothing finished.
    public var bestScore: Double? { trials.map(\.score).max() }
}

/// One finished configuration of a past task. `score` is oriented so that higher is better
/// (the objective value of a maximised study, its negation for a minimised one).
public struct PastTrial: Sendable, Codable, Equatable {
    public let params: [String: ParamValue]
    public let score: Double
    /// The configuration's index in a collected pool (shared by every task of the pool), if any.
    public let configIndex: Int?
    /// The learning curve (the score after each epoch), if recorded.
    public let curve: [Double]

    public init(params: [String: ParamValue], score: Double, configIndex: Int? = nil, curve: [Double] = []) {
        self.params = params
        self.score = score
        self.configIndex = configIndex
        self.curve = curve
    }
}

extension PastTrial {
    /// What identifies the configuration across tasks: its pool index when it has one, else its
    /// parameter values.
    public var configurationKey: String {
        if let configIndex { return "pool:\(configIndex)" }
        return params.keys.sorted().map { "\($0)=\(params[$0]!)" }.joined(separator: ",")
    }
}

/// What MetaTune knows from earlier studies: past tasks with their trials, read from any storage
/// (every study with complete trials), from knowledge-base files, or from the knowledge base
/// shipped with MetaTune; `selected(for:)` keeps what a new study may learn from.
public struct KnowledgeBase: Sendable, Equatable {
    public var tasks: [PastTask]
    /// Why studies were left out by `selected(for:)` (one sentence each), for progress output.
    public var leftOut: [String]

    public init(tasks: [PastTask], leftOut: [String] = []) {
        self.tasks = tasks
        self.leftOut = leftOut
    }

    /// Every study of `storage` with complete trials, as past tasks: scores oriented higher-is-
    /// better, learning curves, meta-features and objective when the study recorded them. The task's
    /// name is the one the study recorded (`tune`: the data set's), else the study's name.
    public static func load(from storage: Storage) throws -> KnowledgeBase {
        var tasks: [PastTask] = []
        let completeTrials = try storage.completeTrialsByStudy()
        for record in try storage.allStudies() {
            let sign = record.direction == .maximize ? 1.0 : -1.0
            var trials: [PastTrial] = []
            for trial in completeTrials[record.id] ?? [] {
                guard let value = trial.value, value.isFinite else { continue }
                var index: Int?
                if case .number(let number)? = trial.userAttributes[TaskAttributes.configIndexKey] { index = Int(number) }
                let curve = trial.intermediateValues.keys.sorted().compactMap { trial.intermediateValues[$0].map { sign * $0 } }
                trials.append(PastTrial(params: trial.params, score: sign * value, configIndex: index, curve: curve))
            }
            guard !trials.isEmpty else { continue }
            let name = record.systemAttributes[TaskAttributes.taskKey]?.stringValue ?? record.name
            tasks.append(PastTask(name: name, metaFeatures: TaskAttributes.metaFeatures(of: record), trials: trials,
                                  collection: TaskAttributes.collection(of: record), objective: TaskAttributes.objective(of: record)))
        }
        return KnowledgeBase(tasks: tasks.sorted { $0.name < $1.name })
    }

    /// The knowledge base without the task called `name`.
    public func excluding(_ name: String) -> KnowledgeBase {
        KnowledgeBase(tasks: tasks.filter { $0.name != name }, leftOut: leftOut)
    }

    /// This knowledge base followed by the tasks of `other` it does not already have.
    public func merged(with other: KnowledgeBase) -> KnowledgeBase {
        let names = Set(tasks.map(\.name))
        return KnowledgeBase(tasks: tasks + other.tasks.filter { !names.contains($0.name) }, leftOut: leftOut + other.leftOut)
    }

    /// The configuration keys of a collected pool: those scored on at least half of the tasks (and
    /// on two or more), sorted; empty when the tasks share no such configurations.
    func pooledConfigurationKeys() -> [String] {
        var taskCount: [String: Int] = [:]
        for task in tasks {
            for key in Set(task.trials.map(\.configurationKey)) { taskCount[key, default: 0] += 1 }
        }
        return taskCount.filter { 2 * $0.value >= tasks.count && $0.value >= 2 }.keys.sorted()
    }

    /// The configurations zero-shot methods choose among, by `configurationKey` in sorted order:
    /// a collected pool's (`pooledConfigurationKeys`), or every one when there is none.
    func sharedConfigurations() -> [(key: String, params: [String: ParamValue])] {
        var paramsByKey: [String: [String: ParamValue]] = [:]
        for task in tasks {
            for trial in task.trials { paramsByKey[trial.configurationKey] = trial.params }
        }
        let pooled = pooledConfigurationKeys()
        return (pooled.isEmpty ? paramsByKey.keys.sorted() : pooled).compactMap { key in paramsByKey[key].map { (key, $0) } }
    }
}
