import ArgumentParser
import Foundation
import MetaLearning
import MetaTune
import MetaTuneText
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
        Text: --data texts.csv --text-column text --model minilm encodes every text once with the pretrained \
        all-MiniLM-L6-v2 encoder (`make text-data` fetches it), keeping the states below its top fine_tuned_layers \
        blocks, and tunes a classifier on it: a dense head on the mean-pooled output, with the top 0-2 blocks \
        fine-tuned (AdamW, linear warm-up then decay, gradients clipped at norm 1). --model text-bow tunes fastText's \
        bag of word and bigram embeddings, text-cnn Kim's convolutions over word embeddings, text-transformer a small \
        Transformer encoder trained from scratch; each reads the first max_length words of a text (a study keeps as \
        many as its space's largest max_length).
        """
    )

    @Option(help: "A CSV file: a header row, numeric feature columns and a 'label' column.") var data: String?
    @Option(help: "A bundled data set instead of --data.") var dataset: BundledDataset?
    @Option(help: "The class column of --data.") var labelColumn: String = "label"
    @Option(help: "Regression instead: the numeric target column of --data (tuned on validation MSE).") var target: String?
    @Option(help: "Treat --data rows as images of this shape, C,H,W (row-major, channel first), for --model cnn.")
    var imageShape: String?
    @Option(help: "The model: mlp, cnn, text-bow, text-cnn, text-transformer or minilm (with --text-column: bag of words, convolutions, a Transformer trained from scratch, or the pretrained encoder with its top layers fine-tuned), or fewshot (a few-shot learner's own hyperparameters, on --benchmark).") var model: String = "mlp"
    @Option(help: "--data holds texts in this column (with --model text-bow, text-cnn, text-transformer or minilm); classes in --label-column.") var textColumn: String?
    @Option(help: "With --model fewshot: sinusoid or fashion.") var benchmark: String?
    @Option(help: "With --model fewshot: the learner tuned (maml, fomaml, reptile, metasgd, anil, protonet, pretrain).") var method: String = "maml"
    @Option(help: "With --model fewshot: support examples per task (per class for fashion).") var shots: Int = 5
    @Option(help: "With --model fewshot: meta-iterations per trial (default: the benchmark's protocol).") var iterations: Int?
    @Option(help: "With --model fewshot on fashion: classes per episode.") var ways: Int = 4
    @Option(help: "With --model fewshot on fashion: the folder of the Fashion-MNIST IDX files (plain or .gz).")
    var fashionDir: String = FashionFewShotBenchmark.debianDirectory
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

    /// `--model` as a built-in model trained on a data set.
    private var builtinModel: BuiltinModel { BuiltinModel(rawValue: model) ?? .mlp }

    /// Models of text (`--text-column`).
    static let textModels = ["minilm", "text-bow", "text-cnn", "text-transformer"]

    func validate() throws {
        if model == "fewshot" { return try validateFewShot() }
        if textColumn != nil || Self.textModels.contains(model) {
            guard textColumn != nil, Self.textModels.contains(model), data != nil else {
                throw UsageError("text is tuned with --data FILE.csv --text-column COLUMN --model \(Self.textModels.joined(separator: "|"))")
            }
            if target != nil || imageShape != nil { throw UsageError("--text-column takes no --target or --image-shape") }
        } else {
            guard BuiltinModel(rawValue: model) != nil else { throw UsageError("--model must be one of: mlp, cnn, \(Self.textModels.sorted().joined(separator: ", ")), fewshot (got '\(model)')") }
        }
        if benchmark != nil { throw UsageError("--benchmark goes with --model fewshot") }
        if (data == nil) == (dataset == nil) { throw UsageError("give exactly one of --data FILE.csv and --dataset digits") }
        if target != nil && data == nil { throw UsageError("--target needs --data FILE.csv") }
        if target != nil, let metric, metric != .mse { throw UsageError("a regression target is tuned with --metric mse") }
        if metric == .mse && target == nil { throw UsageError("--metric mse needs a regression target (--target COLUMN)") }
        if let imageShape { _ = try Self.parseImageShape(imageShape) }
        if builtinModel == .cnn && data != nil && imageShape == nil {
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
        if model == "fewshot" { return try runFewShot() }
        let model = builtinModel
        let trialCount = try self.trialCount
        Engine.threads = threads
        let metric = chosenMetric
        let settings = schedule.settings(maxResource: epochs, seed: seed)
        let task: BuiltinTask
        let searchSpace: SearchSpace
        let study: Study
        do {
            let source = try dataSource()
            searchSpace = try space.map { try SearchSpaceFile.load(path: $0, check: model.check) } ?? model.defaultSpace
            let metaFeatures: MetaFeatures?
            if let textColumn {
                (task, metaFeatures) = try textTask(column: textColumn, name: source.name, space: searchSpace)
            } else {
                let dataSet = try source.load(imageShape: try imageShape.map(Self.parseImageShape))
                task = try BuiltinTask(name: source.name, data: dataSet, model: model, epochs: epochs, metric: metric,
                                       testFraction: testFraction, seed: seed)
                metaFeatures = dataSet.isRegression ? nil : try MetaFeatures.compute(dataSet, seed: seed)
            }
            let setup = StudySetup(
                name: self.study ?? "tune-\(source.name)-\(self.model)", storage: try storage.open(), space: searchSpace,
                task: source.name, objective: ObjectiveSignature(metric: metric.rawValue, model: self.model, epochs: epochs),
                direction: metric.direction, policy: policy(metric: metric), pruner: pruner, model: model,
                metaFeatures: metaFeatures,
                knowledge: try knowledge.map(KnowledgeSource.init), excluded: exclude)
            let opened = try setup.open()
            if let explanation = opened.explanation, !quiet { FileHandle.standardError.write(Data((explanation + "\n").utf8)) }
            study = opened.study
        } catch {
            failClearly(error)
        }
        if !quiet && !json {
            let kind = task.train.isRegression ? "a regression target" : "\(task.train.classCount) classes"
            let budget = settings?.budget.map { "up to \(trialCount) trials of up to \(epochs) epochs, \($0) epochs in all" }
            let plan = budget ?? "\(trialCount) trials of up to \(epochs) epochs"
            let heldOut = task.test.map { ", \($0.count) test rows held out" } ?? ""
            FileHandle.standardError.write(Data("Tuning \(textColumn == nil || model.readsTokenIDs ? "a \(model.rawValue)" : "a classifier on the pretrained \(self.model) encoder") on \(task.name): \(task.train.count) training and \(task.validation.count) validation rows\(heldOut), \(inputs(of: task)), \(kind); \(plan) (study '\(study.name)')\n".utf8))
        }
        let reporter = RunReporter(study: study, quiet: quiet, json: json, scheduler: settings.map { ($0, "epochs") })
        let runner = StudyRunner(study: study, concurrency: concurrency, observer: reporter)
        InterruptHandler.install { [stop = runner.stop] in stop.raise() }
        let outcome: StudyRunOutcome
        do {
            if let settings {
                outcome = try runner.run(scheduler: settings, trials: trialCount, unit: "epochs",
                                         objective: ResumableTraining(task: task, space: searchSpace))
            } else {
                outcome = try runner.run(.new(trialCount)) { trial in
                    try task.evaluate(trial, space: searchSpace) { report, epochs in
                        reporter.epochFinished(trial: trial.number, epoch: report.epoch + 1, of: epochs, value: task.learningCurveValue(report))
                    }
                }
            }
        } catch {
            reporter.endProgress()
            failClearly(schedule.explain(error))
        }
        reporter.finish(outcome)
        reportHeldOutTest(study: study, task: task)
    }

    /// The text model's task on `--data` and the texts' meta-features (minilm: every text is
    /// encoded once, with progress, for all trials).
    private func textTask(column: String, name: String, space: SearchSpace) throws -> (BuiltinTask, MetaFeatures) {
        guard let data else { throw UsageError("--text-column needs --data FILE.csv") }
        let texts = try TextDataset.load(path: data, textColumn: column, labelColumn: labelColumn)
        guard texts.classNames.count >= 2 else { throw UsageError("\(data) has a single class in '\(labelColumn)'") }
        let metaFeatures = try MetaFeatures.compute(texts: texts, seed: seed)
        let encoder = builtinModel == .pretrainedEncoder ? try SentenceEncoder(folder: try PretrainedModelFolder.resolve(model)) : nil
        let line = ProgressLine(enabled: !quiet && encoder != nil, total: texts.count, label: "encoding texts with \(model) (once)")
        let task = try BuiltinTask.text(name: name, texts: texts, model: builtinModel, space: space, encoder: encoder, epochs: epochs,
                                        metric: chosenMetric, testFraction: testFraction, seed: seed) { line.update(done: $0, best: nil) }
        line.finish()
        return (task, metaFeatures)
    }

    /// What a row holds, for the opening line: features, token ids, or the encoder's cached outputs.
    private func inputs(of task: BuiltinTask) -> String {
        if let cache = task.encoderCache {
            return cache.blocksAbove.isEmpty ? "the encoder's pooled outputs cached" : "states below the top \(cache.blocksAbove.count) blocks cached"
        }
        return task.model.readsTokenIDs ? "\(task.train.featureCount) token ids per text" : "\(task.train.featureCount) features"
    }

    /// `--data` (with `--label-column` or `--target`) or `--dataset`.
    private func dataSource() throws -> DataSource {
        guard let data else { return .bundled(dataset ?? .digits) }
        return target.map { .regressionCSV(path: data, targetColumn: $0) } ?? .csv(path: data, labelColumn: labelColumn)
    }

    /// "C,H,W" as three numbers.
    private static func parseImageShape(_ text: String) throws -> [Int] {
        let dims = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard dims.count == 3, dims.allSatisfy({ $0 != nil }) else {
            throw UsageError("--image-shape must be three whole numbers C,H,W, got '\(text)'")
        }
        return dims.compactMap { $0 }
    }

    /// `--test-fraction`: the best configuration's score on the held-out rows, as a sentence or a JSON line.
    private func reportHeldOutTest(study: Study, task: BuiltinTask) {
        guard task.test != nil else { return }
        do {
            guard let test = try task.heldOutTest(of: study) else {
                FileHandle.standardError.write(Data("no complete trial to score on the test split\n".utf8))
                return
            }
            if json {
                var object = OrderedJSONObject()
                object.add("trial", test.trial)
                object.add("metric", test.metric)
                object.add("value", test.score)
                object.add("rows", test.rows)
                var line = OrderedJSONObject()
                line.addRaw("test", object.text)
                print(line.text)
            } else {
                let epochs = test.bestEpoch.map { "up to its best epoch (\($0) of \(task.epochs))" } ?? "for \(task.epochs) epochs"
                print("held-out test \(test.metric) of trial \(test.trial)'s configuration, retrained \(epochs) on the same training rows: \(test.score) (\(test.rows) test rows)")
            }
        } catch {
            failClearly(error)
        }
    }
}
