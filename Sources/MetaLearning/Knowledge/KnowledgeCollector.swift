import Foundation
import MetaTune
import MetaTuneTasks
import Neural

/// `meta collect`: evaluates the same seeded random configurations of a built-in model on every
/// CSV task of a folder, one study per task (named `meta:MODEL:TASK`), with learning curves, the
/// task's meta-features and each trial's configuration index — turning a folder of data sets into
/// a tabular meta-data set. Resumable: configurations already finished are skipped.
public struct KnowledgeCollector: Sendable {
    public struct Settings: Sendable {
        /// Configurations per task (the pool size).
        public var configs = 100
        /// Training epochs per configuration: the learning curves then serve every run of up to
        /// this many epochs, which scores the knowledge again from them (`KnowledgeBase.rescored`).
        public var epochs = 27
        /// Seed of the configuration pool (and of each task's train/validation split).
        public var seed: UInt64 = 0
        /// A configuration's score as collected: by default the validation accuracy after the last
        /// epoch (`bestAccuracy`: the best of any epoch, as `tune` scores by default). Runs score
        /// the knowledge again from its learning curves as they score themselves.
        public var metric = TaskMetric.accuracy
        /// Tasks trained at once (threads). Each task's configurations run in order on one thread,
        /// so the collected trials do not depend on it.
        public var concurrency = 1

        public init() {}

        /// How the collected trials are trained and scored, as the knowledge records it.
        public var scoring: PastTask.CollectionSettings { PastTask.CollectionSettings(epochs: epochs, metric: metric.rawValue) }
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

    /// Collects every task of `directory`; `progress` sees each finished evaluation (one at a
    /// time, also when `settings.concurrency` trains several tasks at once).
    public func collect(directory: String, progress: (Event) -> Void = { _ in }) throws {
        let plans = try plan(files: try Self.taskFiles(in: directory))
        let pool = PoolConfigurations.configurations(count: settings.configs, space: model.defaultSpace, seed: settings.seed)
        let total = plans.reduce(0) { $0 + $1.missing.count }
        try withoutActuallyEscaping(progress) { progress in
            let state = CollectionState(total: total, taskCount: plans.count, progress: progress)
            let queue = DispatchQueue(label: "metatune.meta-collect", attributes: .concurrent)
            let limit = DispatchSemaphore(value: max(settings.concurrency, 1))
            let group = DispatchGroup()
            for plan in plans where !plan.missing.isEmpty {
                limit.wait()
                if state.failure != nil { limit.signal(); break }
                queue.async(group: group) {
                    defer { limit.signal() }
                    do {
                        try collect(plan, pool: pool, state: state)
                    } catch {
                        state.fail(error)
                    }
                }
            }
            group.wait()
            if let failure = state.failure { throw failure }
        }
    }

    /// One task's study, its data and the configurations it lacks.
    private struct TaskPlan: Sendable {
        let index: Int
        let task: String
        let study: Study
        /// Loaded only when configurations are missing.
        let data: Dataset?
        let missing: [Int]
    }

    /// Opens every study and loads the data of every task with work left before any training, so
    /// the total is known for progress and a malformed file stops the run before hours of training.
    /// A study collected with other epochs, metric or seed is refused: its trials would be labelled
    /// with settings they were not trained with.
    private func plan(files: [URL]) throws -> [TaskPlan] {
        try files.enumerated().map { index, file in
            let task = file.deletingPathExtension().lastPathComponent
            try checkEarlierCollection(of: studyName(task: task))
            let study = try Study.create(name: studyName(task: task), direction: .maximize, sampler: RandomSampler(seed: settings.seed),
                                         storage: storage, loadIfExists: true)
            try study.failOrphanedTrials(heartbeatGrace: 600)
            var done = Set<Int>()
            for trial in try study.trials where trial.state != .running && trial.state != .waiting {
                if case .number(let index)? = trial.userAttributes[TaskAttributes.configIndexKey] { done.insert(Int(index)) }
            }
            let missing = (0..<settings.configs).filter { !done.contains($0) }
            let data = missing.isEmpty ? nil : try Dataset.loadCSV(path: file.path)  // its errors name the file, row and column
            return TaskPlan(index: index, task: task, study: study, data: data, missing: missing)
        }
    }

    /// Throws when the study `name` was collected with other settings than these (a larger or
    /// smaller pool is fine: configuration i is the same in every pool of a seed).
    private func checkEarlierCollection(of name: String) throws {
        guard let record = try storage.study(named: name), let earlier = TaskAttributes.collection(of: record) else { return }
        let seed = TaskAttributes.collectionSeed(of: record)
        guard earlier == settings.scoring, seed == settings.seed else {
            throw CollectionMismatch(study: name, earlier: earlier, earlierSeed: seed, settings: settings)
        }
    }

    /// Evaluates the missing configurations of one task, in order; stops early once another task failed.
    private func collect(_ plan: TaskPlan, pool: [[String: ParamValue]], state: CollectionState) throws {
        guard let data = plan.data else { return }
        let space = model.defaultSpace
        let metaFeatures = try MetaFeatures.compute(data, seed: settings.seed)
        try TaskAttributes.record(task: plan.task, model: model.rawValue, metaFeatures: metaFeatures,
                                  objective: ObjectiveSignature(metric: settings.metric.rawValue, model: model.rawValue, epochs: settings.epochs),
                                  studyID: plan.study.id, storage: storage)
        try TaskAttributes.recordCollection(settings.scoring, configs: settings.configs, seed: settings.seed,
                                            studyID: plan.study.id, storage: storage)
        let task = try BuiltinTask(name: plan.task, data: data, model: model, epochs: settings.epochs, metric: settings.metric,
                                   seed: settings.seed)
        for index in plan.missing {
            if state.failure != nil { return }
            try plan.study.enqueue(pool[index])
            let trial = try plan.study.ask(space: space)
            try trial.setUserAttribute(TaskAttributes.configIndexKey, .number(Double(index)))
            var value: Double?
            let trialState: TrialState
            do {
                value = try task.evaluate(trial, space: space)
                trialState = try plan.study.tell(trial, value: value!)
            } catch {
                try plan.study.tell(trial, state: .failed, reason: "\(error)")
                trialState = .failed
                value = nil
            }
            state.finished(task: plan.task, taskIndex: plan.index, configIndex: index, state: trialState, value: value)
        }
    }
}

/// The shared bookkeeping of a collection run: progress, reported one event at a time, and the
/// first failure, which stops the other tasks after their current evaluation.
private final class CollectionState: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let taskCount: Int
    private let progress: (KnowledgeCollector.Event) -> Void
    private var done = 0
    private var firstFailure: Error?

    init(total: Int, taskCount: Int, progress: @escaping (KnowledgeCollector.Event) -> Void) {
        self.total = total
        self.taskCount = taskCount
        self.progress = progress
    }

    var failure: Error? {
        lock.lock()
        defer { lock.unlock() }
        return firstFailure
    }

    func fail(_ error: Error) {
        lock.lock()
        defer { lock.unlock() }
        if firstFailure == nil { firstFailure = error }
    }

    /// Counts one finished evaluation and reports it.
    func finished(task: String, taskIndex: Int, configIndex: Int, state: TrialState, value: Double?) {
        lock.lock()
        defer { lock.unlock() }
        done += 1
        progress(KnowledgeCollector.Event(taskIndex: taskIndex, taskCount: taskCount, task: task, configIndex: configIndex,
                                          state: state, value: value, done: done, total: total))
    }
}

/// A study that an earlier collection made with other settings (epochs, metric or seed): its
/// trials would be labelled with a training they did not have.
public struct CollectionMismatch: Error, CustomStringConvertible {
    public let study: String
    public let earlier: PastTask.CollectionSettings
    public let earlierSeed: UInt64?
    public let settings: KnowledgeCollector.Settings

    public var description: String {
        "study '\(study)' was collected with \(earlier.epochs) epochs, metric \(earlier.metric) and seed \(earlierSeed.map(String.init) ?? "?")"
            + ", not \(settings.epochs) epochs, metric \(settings.metric.rawValue) and seed \(settings.seed): collect into another storage, or with those settings"
    }
}
