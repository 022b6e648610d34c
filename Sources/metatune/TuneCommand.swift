import ArgumentParser
import Foundation
import MetaLearning
import MetaTune
import MetaTuneTasks
import Neural


struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Tune a built-in model trained by MetaTune's own engine on a CSV data set or the bundled digits.",
        discussion: """
        The data is split (stratified, seeded) into 80 % training and 20 % validation rows, standardised with
        training statistics. Each trial trains the model with the suggested hyperparameters and reports the
        validation accuracy after every epoch (the learning curve, used by --pruner). The objective is the
        best epoch's validation accuracy — what early stopping with restored weights gives, and a steadier score than
        one noisy last-epoch reading (--metric accuracy: the last epoch's; log-loss: the last epoch's validation loss).
        The default MLP space tunes learning_rate, batch_size, depth, width, activation, dropout, weight_decay and
        optimizer; a YAML file given with --space replaces it (it may add momentum, epochs or batch_norm: [true, false]).
        """
    )

    @Option(help: "A CSV file: a header row, numeric feature columns and a 'label' column.") var data: String?
    @Option(help: "A bundled data set instead of --data.") var dataset: BundledDataset?
    @Option(help: "The class column of --data.") var labelColumn: String = "label"
    @Option(help: "Regression instead: the numeric target column of --data (tuned on validation MSE).") var target: String?
    @Option(help: "Treat --data rows as images of this shape, C,H,W (row-major, channel first), for --model cnn.")
    var imageShape: String?
    @Option(help: "The model.") var model: BuiltinModel = .mlp
    @Option(parsing: .unconditional, help: "Number of trials this command adds to the study (with --scheduler hyperband, asha or bohb and --budget it may be left out: the budget decides).")
    var trials: Int?

    /// `--trials`, or what `--budget` decides when it is left out.
    private var trialCount: Int { get throws { try schedule.trialCount(trials) } }
    @Option(parsing: .unconditional, help: "Training epochs per trial (the maximum resource).") var epochs: Int = 20
    @Option(help: "best-accuracy (default), accuracy (the last epoch's) or log-loss (classification); mse with --target.") var metric: TaskMetric?
    @Option(help: "Sampler.") var sampler: SamplerKind = .tpe
    @Option(help: "Pruner.") var pruner: PrunerKind = .median
    @Option(help: "A YAML or JSON search space replacing the model's default one.") var space: String?
    @Option(help: "The study's name (default: tune-DATA-MODEL).") var study: String?
    @OptionGroup var storage: StorageOption
    @Option(parsing: .unconditional, help: "Random seed (sampler and data split).", transform: NumberCheck.seed) var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "BLAS threads.") var threads: Int = 1
    @Flag(help: "Print one JSON line per finished trial on standard output.") var json = false
    @Flag(help: "No progress output (the result is still printed).") var quiet = false
    @OptionGroup var schedule: SchedulerOptions
    @Option(parsing: .unconditional, help: "Trials to train at once (threads).") var concurrency: Int = 1
    @Option(parsing: .unconditional, help: "Hold out this fraction of the rows (stratified) that no trial sees; after tuning, the best configuration is trained again and scored on them (default 0: none).")
    var testFraction: Double = 0
    @Option(help: "Meta-learning from past tasks (then GP; under a scheduler, the scheduler's sampler).")
    var meta: MetaMethod = .none
    @Option(help: "What --meta learns from (repeatable): 'builtin' (the knowledge base shipped with MetaTune), a knowledge-base .json file or a storage URL (default: every study of --storage plus the built-in one).")
    var knowledge: [String] = []
    @Option(help: "A past task or study --meta must not learn from (repeatable).") var exclude: [String] = []

    func validate() throws {
        if (data == nil) == (dataset == nil) { throw UsageError("give exactly one of --data FILE.csv and --dataset digits") }
        if target != nil && data == nil { throw UsageError("--target needs --data FILE.csv") }
        if target != nil, let metric, metric != .mse { throw UsageError("a regression target is tuned with --metric mse") }
        if metric == .mse && target == nil { throw UsageError("--metric mse needs a regression target (--target COLUMN)") }
        if model == .cnn && data != nil && imageShape == nil {
            throw UsageError("--model cnn needs image-shaped rows: give --image-shape C,H,W (or use --dataset digits)")
        }
        try NumberCheck.positive(epochs, "--epochs")
        try NumberCheck.positive(threads, "--threads")
        try NumberCheck.positive(concurrency, "--concurrency")
        try schedule.validate(maxResource: epochs, maxResourceOption: "--epochs")
        try MetaSetup.validate(policy(metric: chosenMetric))
        _ = try trialCount  // refuses a missing --trials where no budget decides
        guard testFraction >= 0, testFraction < 0.5 else { throw UsageError("--test-fraction must be at least 0 and below 0.5, got \(testFraction)") }
        if testFraction > 0 && schedule.kind == .pbt {
            throw UsageError("--test-fraction cannot retrain a pbt winner: its hyperparameters changed during training")
        }
        if meta != .none && target != nil { throw UsageError("--meta needs a classification task (not --target)") }
    }

    /// `--metric`, or the default for the task: best-accuracy, or MSE for a regression target.
    private var chosenMetric: TaskMetric { metric ?? (target == nil ? .bestAccuracy : .mse) }

    /// The sampler policy: `--sampler`, `--scheduler` and `--meta`, knowledge rescored for this run's training.
    private func policy(metric: TaskMetric) -> SamplerPolicy {
        SamplerPolicy(sampler: sampler, scheduler: schedule.settings(maxResource: epochs, seed: seed), meta: meta, seed: seed,
                      training: PastTask.CollectionSettings(epochs: epochs, metric: metric.rawValue))
    }

    func run() throws {
        let trialCount = try self.trialCount
        Engine.threads = threads
        let builtin = model
        let metric = chosenMetric
        let task: BuiltinTask
        let searchSpace: SearchSpace
        let study: Study
        do {
            let (name, dataSet) = try loadData()
            task = try BuiltinTask(name: name, data: dataSet, model: builtin, epochs: epochs, metric: metric,
                                   testFraction: testFraction, seed: seed)
            searchSpace = try space.map { try SearchSpaceFile.load(path: $0, check: builtin.check) } ?? builtin.defaultSpace
            let store = try storage.open()
            let metaFeatures = dataSet.isRegression ? nil : try MetaFeatures.compute(dataSet, seed: seed)
            let studyName = self.study ?? "tune-\(name)-\(model.rawValue)"
            let objective = ObjectiveSignature(metric: metric.rawValue, model: builtin.rawValue, epochs: epochs)
            let query = KnowledgeQuery(space: searchSpace, objective: objective, excluded: Set([name, studyName] + exclude))
            let chosenSampler = try MetaSetup.sampler(policy(metric: metric), metaFeatures: metaFeatures, query: query,
                                                      sources: knowledge, storage: store, model: builtin, quiet: quiet)
            study = try Study.open(name: studyName, direction: metric.direction, storage: store,
                                   sampler: chosenSampler, pruner: try (schedule.isEnabled ? .none : pruner).make())
            try TaskAttributes.record(task: name, model: builtin.rawValue, metaFeatures: metaFeatures, objective: objective,
                                      studyID: study.id, storage: store)
        } catch {
            failClearly(error)
        }
        if !quiet && !json {
            let kind = task.train.isRegression ? "a regression target" : "\(task.train.classCount) classes"
            let budget = schedule.isEnabled ? schedule.budget.map { "up to \(trialCount) trials of up to \(epochs) epochs, \($0) epochs in all" } : nil
            let plan = budget ?? "\(trialCount) trials of up to \(epochs) epochs"
            let heldOut = task.test.map { ", \($0.count) test rows held out" } ?? ""
            FileHandle.standardError.write(Data("Tuning a \(model.rawValue) on \(task.name): \(task.train.count) training and \(task.validation.count) validation rows\(heldOut), \(task.train.featureCount) features, \(kind); \(plan) (study '\(study.name)')\n".utf8))
        }
        let stopped = StopFlag()
        InterruptHandler.install { stopped.raise() }
        if let settings = schedule.settings(maxResource: epochs, seed: seed) {
            let scheduled = ScheduledRun(settings: settings, unit: "epochs", concurrency: concurrency, quiet: quiet, json: json)
            if scheduled.execute(study: study, objective: ResumableTraining(task: task, space: searchSpace), trials: trialCount,
                                 stopped: stopped, options: schedule) {
                Foundation.exit(130)
            }
            HeldOutTest.report(study: study, task: task, json: json)
            return
        }
        let total = ((try? study.trials.count) ?? 0) + trialCount
        let progress = RunProgress(study: study, total: total, showProgress: !quiet && !json, json: json)
        progress.start()
        do {
            try study.optimize(trials: trialCount, concurrency: concurrency, stopWhen: { stopped.isRaised },
                               onTrialFinished: { progress.finished($0) }) { trial in
                try task.evaluate(trial, space: searchSpace)
            }
        } catch {
            progress.end()
            failClearly(error)
        }
        progress.end()
        if stopped.isRaised { Foundation.exit(130) }
        if !json { progress.printSummary() }
        progress.exitUnlessATrialCompleted()
        HeldOutTest.report(study: study, task: task, json: json)
    }

    private func loadData() throws -> (String, Dataset) {
        if let data {
            var dataset = try target.map { try Dataset.loadRegressionCSV(path: data, targetColumn: $0) }
                ?? Dataset.loadCSV(path: data, labelColumn: labelColumn)
            if let imageShape {
                let dims = imageShape.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard dims.count == 3, dims.allSatisfy({ $0 > 0 }), dims.reduce(1, *) == dataset.featureCount else {
                    throw StudyError.invalidArgument("--image-shape \(imageShape) does not describe the \(dataset.featureCount) features of \(data) as C,H,W")
                }
                dataset.imageShape = dims
            }
            return (URL(fileURLWithPath: data).deletingPathExtension().lastPathComponent, dataset)
        }
        let bundled = dataset ?? .digits
        return (bundled.rawValue, try bundled.load())
    }
}
