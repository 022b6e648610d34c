import Foundation
import MetaTune
import MetaTuneTasks
import Neural

/// `meta collect`: evaluates the same seeded random configurations of a built-in model on every
/// CSV task of a folder, one study per task (named `meta:MODEL:TASK`), with learning curves, the
/// task's meta-features and each trial's configuration index — turning a folder of data sets into
/// a tabular meta-data set. Resumable: configurations already finished are skipped.
public struct KnowledgeCollector {
    public struct Settings: Sendable {
        /// Configurations per task (the pool size).
        public var configs = 100
        /// Training epochs per configuration.
        public var epochs = 8
        /// Seed of the configuration pool (and of each task's train/validation split).
        public var seed: UInt64 = 0
        /// A configuration's score: by default the best validation accuracy of any epoch, which
        /// ranks configurations far more consistently across tasks than the last epoch's (on the
        /// task pool, the top configurations of similar tasks then transfer: see BENCHMARKS.md).
        public var metric = TaskMetric.bestAccuracy

        public init() {}
    }

    /// One finished evaluation, for progress output.
    public struct Event: Sendable {
        public let taskIndex: Int
        public let taskCount: Int
        public let task: String
        public let configIndex: Int
        public let state: TrialState
        public let value: Double?
        /// Evaluations done / to do in this run.
        public let done: Int
        public let total: Int
    }

    public let model: BuiltinModel
    public let settings: Settings
    public let storage: Storage

    public init(model: BuiltinModel, settings: Settings, storage: Storage) {
        self.model = model
        self.settings = settings
        self.storage = storage
    }

    /// The study name for a task.
    public func studyName(task: String) -> String { "meta:\(model.rawValue):\(task)" }

    /// The CSV files of `directory`, sorted by name.
    public static func taskFiles(in directory: String) throws -> [URL] {
        let url = URL(fileURLWithPath: directory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StudyError.invalidArgument("\(directory): no such directory")
        }
        let files = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension.lowercased() == "csv" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !files.isEmpty else { throw StudyError.invalidArgument("\(directory): no .csv files") }
        return files
    }

    /// Collects every task of `directory`; `progress` sees each finished evaluation.
    public func collect(directory: String, progress: (Event) -> Void = { _ in }) throws {
        let files = try Self.taskFiles(in: directory)
        let space = model.defaultSpace
        let pool = PoolConfigurations.configurations(count: settings.configs, space: space, seed: settings.seed)
        // Load every study first, so the total is known for progress and a bad file stops the run
        // before hours of training.
        var plans: [(task: String, file: URL, study: Study, missing: [Int])] = []
        for file in files {
            let task = file.deletingPathExtension().lastPathComponent
            let study = try Study.create(name: studyName(task: task), direction: .maximize, sampler: RandomSampler(seed: settings.seed),
                                         storage: storage, loadIfExists: true)
            try study.failOrphanedTrials(heartbeatGrace: 600)
            var done = Set<Int>()
            for trial in try study.trials where trial.state != .running && trial.state != .waiting {
                if case .number(let index)? = trial.userAttributes[TaskAttributes.configIndexKey] { done.insert(Int(index)) }
            }
            plans.append((task, file, study, (0..<settings.configs).filter { !done.contains($0) }))
        }
        let total = plans.reduce(0) { $0 + $1.missing.count }
        var finished = 0
        for (taskIndex, plan) in plans.enumerated() where !plan.missing.isEmpty {
            let data = try Dataset.loadCSV(path: plan.file.path)  // its errors name the file, row and column
            let metaFeatures = try MetaFeatures.compute(data, seed: settings.seed)
            try TaskAttributes.record(task: plan.task, model: model.rawValue, metaFeatures: metaFeatures,
                                      studyID: plan.study.id, storage: storage)
            try storage.setStudyAttribute(studyID: plan.study.id, key: TaskAttributes.collectionKey, value: .object([
                "configs": .number(Double(settings.configs)), "epochs": .number(Double(settings.epochs)),
                "seed": .number(Double(settings.seed)), "metric": .string(settings.metric.rawValue),
            ]), system: true)
            let task = try BuiltinTask(name: plan.task, data: data, model: model, epochs: settings.epochs, metric: settings.metric,
                                       seed: settings.seed)
            for index in plan.missing {
                try plan.study.enqueue(pool[index])
                let trial = try plan.study.ask(space: space)
                try trial.setUserAttribute(TaskAttributes.configIndexKey, .number(Double(index)))
                let state: TrialState
                var value: Double?
                do {
                    value = try task.evaluate(trial, space: space)
                    state = try plan.study.tell(trial, value: value!)
                } catch {
                    try plan.study.tell(trial, state: .failed, reason: "\(error)")
                    state = .failed
                    value = nil
                }
                finished += 1
                progress(Event(taskIndex: taskIndex, taskCount: plans.count, task: plan.task, configIndex: index,
                               state: state, value: value, done: finished, total: total))
            }
        }
    }
}
