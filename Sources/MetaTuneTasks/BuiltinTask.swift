import Foundation
import MetaTune
import Neural

/// A built-in model family that MetaTune can train itself.
public enum BuiltinModel: String, CaseIterable, Sendable {
    case mlp
    case cnn
    /// fastText-style text classifier: the mean of the token embeddings, then a dense layer. Its
    /// rows are token ids (negative: padding), which are not standardised.
    case textBow = "text-bow"
    /// Kim's CNN for text: token embeddings convolved over windows of `kernel` tokens, the maximum
    /// over the text, then a dense layer. Its rows are token ids in text order.
    case textCNN = "text-cnn"
    /// A small Transformer encoder trained from scratch on token ids in text order (learned
    /// positions, `depth` blocks, mean pooling), then a dense layer; trained as transformers are
    /// (AdamW, linear warm-up then decay, gradients clipped at norm 1).
    case textTransformer = "text-transformer"
    /// A classifier on a pretrained text encoder (all-MiniLM-L6-v2, hence the name) whose outputs
    /// are cached once per data set (`EncoderCache` rows, not standardised): a dense head on the
    /// pooled output, with the top `fine_tuned_layers` blocks of the encoder trained too.
    case pretrainedEncoder = "minilm"

    /// Whether the model's rows are token ids (negative: padding) rather than features.
    public var readsTokenIDs: Bool { self == .textBow || self == .textCNN || self == .textTransformer }

    /// The documented default search space (a YAML file given with `--space` replaces it).
    /// `max_length` (text models trained from scratch) is the number of tokens read per text; a
    /// study keeps as many as its space's largest `max_length`.
    public var defaultSpace: SearchSpace {
        switch self {
        case .mlp:
            return try! SearchSpaceFile.parse("""
            learning_rate: {type: float, low: 1.0e-4, high: 1.0e-1, log: true}
            batch_size:    {type: int, low: 16, high: 256, log: true}
            depth:         {type: int, low: 1, high: 3}
            width:         {type: int, low: 16, high: 512, log: true}
            activation:    {type: categorical, choices: [relu, gelu, tanh]}
            dropout:       {type: float, low: 0.0, high: 0.5}
            weight_decay:  {type: float, low: 1.0e-6, high: 1.0e-2, log: true}
            optimizer:     {type: categorical, choices: [adam, adamw, sgd, rmsprop]}
            """, file: "default mlp space")
        case .cnn:
            return try! SearchSpaceFile.parse("""
            learning_rate: {type: float, low: 1.0e-4, high: 3.0e-2, log: true}
            batch_size:    {type: int, low: 16, high: 128, log: true}
            depth:         {type: int, low: 1, high: 2}
            channels:      {type: int, low: 8, high: 48, log: true}
            kernel:        {type: categorical, choices: [3, 5]}
            activation:    {type: categorical, choices: [relu, gelu]}
            dropout:       {type: float, low: 0.0, high: 0.5}
            weight_decay:  {type: float, low: 1.0e-6, high: 1.0e-2, log: true}
            optimizer:     {type: categorical, choices: [adam, adamw, sgd]}
            """, file: "default cnn space")
        case .textBow:
            return try! SearchSpaceFile.parse("""
            learning_rate: {type: float, low: 1.0e-3, high: 3.0e-1, log: true}
            batch_size:    {type: int, low: 8, high: 128, log: true}
            dimension:     {type: int, low: 16, high: 256, log: true}
            dropout:       {type: float, low: 0.0, high: 0.5}
            weight_decay:  {type: float, low: 1.0e-7, high: 1.0e-3, log: true}
            optimizer:     {type: categorical, choices: [adam, adamw, sgd]}
            max_length:    {type: int, low: 64, high: 1024, log: true}
            """, file: "default text-bow space")
        case .textCNN:
            return try! SearchSpaceFile.parse("""
            learning_rate: {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
            batch_size:    {type: int, low: 8, high: 64, log: true}
            dimension:     {type: int, low: 32, high: 256, log: true}
            filters:       {type: int, low: 32, high: 256, log: true}
            kernel:        {type: categorical, choices: [3, 4, 5]}
            dropout:       {type: float, low: 0.0, high: 0.5}
            weight_decay:  {type: float, low: 1.0e-7, high: 1.0e-3, log: true}
            optimizer:     {type: categorical, choices: [adam, adamw]}
            max_length:    {type: int, low: 64, high: 512, log: true}
            """, file: "default text-cnn space")
        case .textTransformer:
            return try! SearchSpaceFile.parse("""
            learning_rate: {type: float, low: 1.0e-4, high: 3.0e-3, log: true}
            warmup:        {type: float, low: 0.0, high: 0.2}
            batch_size:    {type: int, low: 8, high: 64, log: true}
            dimension:     {type: categorical, choices: [32, 64, 128]}
            heads:         {type: categorical, choices: [2, 4]}
            depth:         {type: int, low: 1, high: 2}
            dropout:       {type: float, low: 0.0, high: 0.3}
            weight_decay:  {type: float, low: 1.0e-6, high: 1.0e-1, log: true}
            max_length:    {type: int, low: 64, high: 256, log: true}
            """, file: "default text-transformer space")
        case .pretrainedEncoder:
            return try! SearchSpaceFile.parse("""
            learning_rate:     {type: float, low: 1.0e-5, high: 1.0e-2, log: true}
            warmup:            {type: float, low: 0.0, high: 0.2}
            batch_size:        {type: int, low: 8, high: 64, log: true}
            dropout:           {type: float, low: 0.0, high: 0.3}
            weight_decay:      {type: float, low: 1.0e-6, high: 1.0e-1, log: true}
            fine_tuned_layers: {type: int, low: 0, high: 2}
            """, file: "default minilm space")
        }
    }
}

extension BuiltinModel {
    /// The value an architecture hyperparameter (depth, width, channels, kernel, dimension,
    /// filters, heads, fine_tuned_layers) takes when the space does not set it.
    func architectureDefault(_ name: String) -> Int {
        switch (self, name) {
        case (.textTransformer, "depth"): 1
        case (_, "depth"): 2
        case (_, "width"): 128
        case (_, "channels"): 16
        case (_, "kernel"): 3
        case (.textCNN, "dimension"): 128
        case (_, "dimension"): 64
        case (_, "filters"): 100
        case (_, "heads"): 2
        default: 0
        }
    }
}

/// What a trial's objective value is.
public enum TaskMetric: String, CaseIterable, Sendable {
    /// Validation accuracy after the final epoch (maximise).
    case accuracy
    /// The best validation accuracy of any epoch (maximise).
    case bestAccuracy = "best-accuracy"
    /// Validation log-loss after the final epoch (minimise).
    case logLoss = "log-loss"
    /// Validation mean squared error after the final epoch (minimise; regression).
    case mse

    /// Whether the metric is a validation loss (log-loss, MSE) rather than an accuracy.
    public var isLoss: Bool { self == .logLoss || self == .mse }

    public var direction: StudyDirection { isLoss ? .minimize : .maximize }
}

/// A data set prepared for tuning: a seeded stratified train/validation split (and, if asked, a
/// held-out test split taken first), standardised with statistics of the training part only.
public struct BuiltinTask: Sendable {
    public let name: String
    public let model: BuiltinModel
    public let train: Dataset
    public let validation: Dataset
    /// Rows no trial sees, to score the chosen configuration on after tuning (nil: none held out).
    public let test: Dataset?
    public let epochs: Int
    public let metric: TaskMetric
    /// The largest token id + 1 (models reading token ids; 0 otherwise).
    public let vocabularySize: Int
    /// The layout of the cached encoder rows and the blocks above them (the pretrained encoder's head).
    public let encoderCache: EncoderCache?

    /// `testFraction` (0 ≤ f < 0.5) of the rows are held out first; the rest split into training
    /// and validation as without a test split.
    /// `encoderCache` describes the rows of the pretrained encoder's model (required for it, unused otherwise).
    public init(name: String, data: Dataset, model: BuiltinModel, epochs: Int, metric: TaskMetric = .bestAccuracy,
                validationFraction: Double = 0.2, testFraction: Double = 0, seed: UInt64 = 0, encoderCache: EncoderCache? = nil) throws {
        guard testFraction >= 0, testFraction < 0.5 else {
            throw StudyError.invalidArgument("the test fraction must be at least 0 and below 0.5, got \(testFraction)")
        }
        guard epochs >= 1 else { throw StudyError.invalidArgument("the number of epochs must be at least 1, got \(epochs)") }
        if model.readsTokenIDs && !data.features.allSatisfy({ $0.rounded() == $0 && $0 < 16_777_216 }) {
            throw StudyError.invalidArgument("\(name): the \(model.rawValue) model reads token ids (whole numbers; negative for padding)")
        }
        if model == .pretrainedEncoder {
            guard let encoderCache, encoderCache.rowWidth == data.featureCount else {
                throw StudyError.invalidArgument("\(name): the minilm model reads cached encoder rows (a data set prepared by TextTaskData)")
            }
        }
        if model == .cnn && data.imageShape == nil {
            throw StudyError.invalidArgument("\(name): the cnn model needs image-shaped data (the bundled digits, or rows given an image shape C,H,W)")
        }
        if data.isRegression != (metric == .mse) {
            throw StudyError.invalidArgument(data.isRegression ? "\(name): a regression target is tuned by mean squared error (metric mse)"
                                                               : "\(name): the metric mse needs a regression target column")
        }
        let minimum = max(2 * data.classCount, 4)
        guard data.count >= (testFraction > 0 ? 2 * minimum : minimum) else {
            throw StudyError.invalidArgument("\(name): \(data.count) rows are too few for \(data.classCount) classes")
        }
        let heldOut = testFraction > 0 ? data.stratifiedSplit(validationFraction: testFraction, seed: seed ^ 0x7E57_5EED) : nil
        let split = (heldOut?.train ?? data).stratifiedSplit(validationFraction: validationFraction, seed: seed)
        // Token ids stay ids; everything else is standardised with the training rows' statistics.
        let standardizer = model.readsTokenIDs || model == .pretrainedEncoder ? nil : Standardizer(fitting: split.train)
        func standardize(_ data: Dataset) -> Dataset { standardizer?.apply(data) ?? data }
        self.name = name
        self.model = model
        self.train = standardize(split.train)
        self.validation = standardize(split.validation)
        self.test = heldOut.map { standardize($0.validation) }
        vocabularySize = model.readsTokenIDs ? Int(data.features.max() ?? 0) + 1 : 0
        self.encoderCache = model == .pretrainedEncoder ? encoderCache : nil
        self.epochs = epochs
        self.metric = metric
    }

    /// Trains the model a trial's parameters describe, reporting validation accuracy after each
    /// epoch (the learning curve; pruning stops the trial) and returning the metric. `onEpoch`
    /// sees each epoch's report and the epochs the trial trains for (for progress output).
    public func evaluate(_ trial: Trial, space: SearchSpace, onEpoch: (EpochReport, Int) -> Void = { _, _ in }) throws -> Double {
        let params = try trial.suggest(space: space)
        let session = try makeSession(params, seed: UInt64(trial.number))
        try session.advance(toEpoch: session.configuration.epochs) { report in
            onEpoch(report, session.configuration.epochs)
            try trial.report(learningCurveValue(report), step: report.epoch)
            if try trial.shouldPrune { throw TrialPruned("pruned after epoch \(report.epoch + 1)") }
        }
        return objective(of: session.reports)
    }

    /// A paused-and-resumable training run of the model `params` describe (seeded by `seed`),
    /// for `params["epochs"]` or the task's epochs at most — what schedulers that stop and resume
    /// trials drive.
    public func makeSession(_ params: [String: ParamValue], seed: UInt64) throws -> TrainingSession {
        var configuration = TrainingConfiguration()
        configuration.epochs = params["epochs"]?.intValue ?? epochs
        configuration.batchSize = params["batch_size"]?.intValue ?? 32
        configuration.learningRate = Float(params["learning_rate"]?.doubleValue ?? 1e-3)
        configuration.weightDecay = Float(params["weight_decay"]?.doubleValue ?? 0)
        configuration.momentum = Float(params["momentum"]?.doubleValue ?? 0.9)
        configuration.hypergradientRate = params["hyper_lr"]?.doubleValue.map(Float.init)
        configuration.warmupFraction = params["warmup"]?.doubleValue ?? 0
        if model == .pretrainedEncoder || model == .textTransformer {
            // As transformers are trained: AdamW, linear decay after the warm-up, gradients clipped to norm 1.
            configuration.optimizer = .adamw
            configuration.schedule = .linear
            configuration.gradientClip = 1
        }
        configuration.seed = seed
        if let name = params["optimizer"]?.stringValue {
            guard let kind = OptimizerKind(rawValue: name) else {
                throw StudyError.invalidArgument("unknown optimizer '\(name)' (expected one of: \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            configuration.optimizer = kind
        }
        let activationName = params["activation"]?.stringValue ?? "relu"
        guard let activation = Activation(rawValue: activationName) else {
            throw StudyError.invalidArgument("unknown activation '\(activationName)' (expected one of: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let dropout = Float(params["dropout"]?.doubleValue ?? 0)
        let batchNorm = params["batch_norm"]?.boolValue ?? false
        let maxLength = params["max_length"]?.intValue ?? train.featureCount
        try checkTrainable(configuration, dropout: dropout, maxLength: maxLength, params: params)
        let network: Sequential
        switch model {
        case .mlp:
            network = Architectures.mlp(inputs: train.featureCount, classes: train.isRegression ? 1 : train.classCount,
                                        depth: architecture("depth", params), width: architecture("width", params),
                                        activation: activation, dropout: dropout, batchNorm: batchNorm, seed: seed)
        case .cnn:
            network = Architectures.cnn(imageShape: train.imageShape!, classes: train.isRegression ? 1 : train.classCount,
                                        depth: architecture("depth", params), channels: architecture("channels", params),
                                        kernel: architecture("kernel", params), activation: activation, dropout: dropout,
                                        batchNorm: batchNorm, seed: seed)
        case .textBow:
            network = Architectures.textBow(vocabulary: max(vocabularySize, 1), classes: train.isRegression ? 1 : train.classCount,
                                            dimension: architecture("dimension", params), maxLength: maxLength, dropout: dropout, seed: seed)
        case .textCNN:
            network = try Architectures.textCNN(vocabulary: max(vocabularySize, 1), classes: train.isRegression ? 1 : train.classCount,
                                                dimension: architecture("dimension", params), filters: architecture("filters", params),
                                                kernel: architecture("kernel", params), maxLength: maxLength, dropout: dropout, seed: seed)
        case .textTransformer:
            network = try Architectures.textTransformer(vocabulary: max(vocabularySize, 1), classes: train.isRegression ? 1 : train.classCount,
                                                        dimension: architecture("dimension", params), heads: architecture("heads", params),
                                                        depth: architecture("depth", params), maxLength: maxLength, dropout: dropout, seed: seed)
        case .pretrainedEncoder:
            guard let encoderCache else { throw StudyError.invalidArgument("\(name): no cached encoder rows") }
            network = try Architectures.encoderTop(cache: encoderCache, fineTuned: architecture("fine_tuned_layers", params),
                                               classes: train.classCount, dropout: dropout, seed: seed)
        }
        return try TrainingSession(model: network, train: train, validation: validation, configuration: configuration)
    }

    /// Refuses, with the reason, a configuration the engine cannot train — whatever space it came
    /// from (a `--space` file is checked earlier, but a Swift caller's may not be): the trial then
    /// fails and the study goes on, where the engine would stop the process.
    private func checkTrainable(_ configuration: TrainingConfiguration, dropout: Float, maxLength: Int, params: [String: ParamValue]) throws {
        func refuse(_ message: String) -> StudyError { .invalidArgument("cannot train this configuration: \(message)") }
        guard configuration.epochs >= 1 else { throw refuse("epochs must be at least 1, got \(configuration.epochs)") }
        guard configuration.batchSize >= 1 else { throw refuse("batch_size must be at least 1, got \(configuration.batchSize)") }
        guard configuration.learningRate.isFinite, configuration.learningRate > 0 else {
            throw refuse("learning_rate must be positive, got \(configuration.learningRate)")
        }
        if let beta = configuration.hypergradientRate, !beta.isFinite || beta < 0 {
            throw refuse("hyper_lr must be at least 0, got \(beta)")
        }
        guard configuration.weightDecay.isFinite, configuration.weightDecay >= 0 else {
            throw refuse("weight_decay must be at least 0, got \(configuration.weightDecay)")
        }
        guard dropout >= 0, dropout < 1 else { throw refuse("dropout must be in [0, 1), got \(dropout)") }
        guard configuration.warmupFraction >= 0, configuration.warmupFraction < 1 else {
            throw refuse("warmup must be in [0, 1), got \(configuration.warmupFraction)")
        }
        let depth = architecture("depth", params)
        guard depth >= 1 else { throw refuse("depth must be at least 1, got \(depth)") }
        if model.readsTokenIDs {
            guard (1...train.featureCount).contains(maxLength) else {
                throw refuse("max_length must be 1...\(train.featureCount) (the tokens kept per text for this study), got \(maxLength)")
            }
        }
        let inputs = Double(train.featureCount), outputs = Double(max(train.classCount, 1))
        let weights: Double
        switch model {
        case .mlp:
            let width = architecture("width", params)
            guard width >= 1 else { throw refuse("width must be at least 1, got \(width)") }
            weights = inputs * Double(width) + Double(depth - 1) * Double(width) * Double(width) + Double(width) * outputs
        case .cnn:
            let channels = architecture("channels", params), kernel = architecture("kernel", params)
            guard channels >= 1 else { throw refuse("channels must be at least 1, got \(channels)") }
            guard kernel >= 1 else { throw refuse("kernel must be at least 1, got \(kernel)") }
            weights = Double(depth) * Double(channels) * Double(channels) * Double(kernel * kernel) + inputs * Double(channels)
        case .textBow:
            let dimension = architecture("dimension", params)
            guard dimension >= 1 else { throw refuse("dimension must be at least 1, got \(dimension)") }
            weights = Double(max(vocabularySize, 1) + Int(outputs)) * Double(dimension)
        case .textCNN:
            let dimension = architecture("dimension", params), filters = architecture("filters", params)
            let kernel = architecture("kernel", params)
            guard dimension >= 1 else { throw refuse("dimension must be at least 1, got \(dimension)") }
            guard filters >= 1 else { throw refuse("filters must be at least 1, got \(filters)") }
            guard kernel >= 1 else { throw refuse("kernel must be at least 1, got \(kernel)") }
            weights = Double(max(vocabularySize, 1)) * Double(dimension) + Double(kernel * dimension) * Double(filters) + Double(filters) * outputs
        case .textTransformer:
            let dimension = architecture("dimension", params), heads = architecture("heads", params)
            guard dimension >= 1 else { throw refuse("dimension must be at least 1, got \(dimension)") }
            guard heads >= 1, dimension % heads == 0 else { throw refuse("heads must divide the dimension (\(dimension)), got \(heads)") }
            let width = Double(dimension)
            weights = Double(max(vocabularySize, 1) + maxLength) * width + Double(depth) * 12 * width * width + width * outputs
        case .pretrainedEncoder:
            if let asked = params["max_length"]?.intValue, let cached = encoderCache?.tokensPerText, asked != cached {
                throw refuse("max_length must be \(cached): minilm encodes each text once per study, cut to the space's largest max_length, got \(asked)")
            }
            let fineTuned = architecture("fine_tuned_layers", params), available = encoderCache?.blocksAbove.count ?? 0
            guard (0...available).contains(fineTuned) else {
                throw refuse("fine_tuned_layers must be 0...\(available) (the encoder blocks cached for this study), got \(fineTuned)")
            }
            weights = Double(encoderCache?.hidden ?? 0) * outputs
        }
        guard weights <= Self.maximumWeights else {
            throw refuse("the network would have about \(Int(weights)) weights, more than the \(Int(Self.maximumWeights)) MetaTune trains")
        }
        let activation = largestActivation(batchSize: configuration.batchSize, maxLength: maxLength, params: params)
        guard activation <= Self.maximumWeights else {
            throw refuse("one activation of a batch would hold about \(Int(activation / 262_144)) MB (the sequence models' windows or attention "
                         + "scores grow with batch_size × max_length); lower batch_size or max_length")
        }
    }

    /// The numbers in the largest single activation a sequence model makes for one training batch
    /// (or an evaluation chunk of 32 texts): text-cnn's window matrix, the attention scores or
    /// feed-forward states of a Transformer; 0 for the other models.
    private func largestActivation(batchSize: Int, maxLength: Int, params: [String: ParamValue]) -> Double {
        let rows = Double(max(batchSize, 32))
        switch model {
        case .textCNN:
            let kernel = architecture("kernel", params), dimension = architecture("dimension", params)
            return rows * Double(maxLength) * Double(kernel) * Double(dimension)
        case .textTransformer:
            let heads = architecture("heads", params), dimension = architecture("dimension", params), length = Double(maxLength)
            return rows * max(Double(heads) * length * length, length * 4 * Double(dimension))
        case .pretrainedEncoder:
            guard let cache = encoderCache, (architecture("fine_tuned_layers", params)) > 0 else { return 0 }
            let length = Double(cache.length)
            return rows * max(Double(cache.heads) * length * length, length * 4 * Double(cache.hidden))
        case .mlp, .cnn, .textBow:
            return 0
        }
    }

    /// An architecture hyperparameter of the trial: its value in `params`, or the model's default.
    private func architecture(_ name: String, _ params: [String: ParamValue]) -> Int {
        params[name]?.intValue ?? model.architectureDefault(name)
    }

    /// The most weights a built-in network may have (800 MB of Float32).
    static let maximumWeights = 2e8

    /// The value an epoch reports to the learning curve: the validation loss for log-loss and
    /// MSE, the validation accuracy otherwise.
    public func learningCurveValue(_ report: EpochReport) -> Double {
        metric.isLoss ? report.validationLoss : report.validationAccuracy
    }

    /// Trains the configuration `params` as the trial numbered `trialNumber` did (same seed) and
    /// scores the model on the held-out test split: accuracy, or the loss for log-loss and MSE.
    /// With `best-accuracy` the model is the one of the trial's best epoch — the weights restored
    /// to that epoch, as early stopping with restored weights gives — found from the trial's
    /// learning curve (`curve`: the validation accuracy after each epoch); otherwise, and without
    /// a curve, the model after the task's epochs. The run is deterministic, so this is the very
    /// model the trial validated.
    public func testScore(params: [String: ParamValue], trialNumber: Int, curve: [Double] = []) throws -> Double {
        guard let test else { throw StudyError.invalidArgument("\(name): no test split was held out") }
        let session = try makeSession(params, seed: UInt64(trialNumber))
        var epochs = session.configuration.epochs
        if metric == .bestAccuracy, let best = Self.bestEpoch(of: curve) { epochs = min(best, epochs) }
        try session.advance(toEpoch: epochs)
        let score = Trainer.evaluate(session.model, test)
        return metric.isLoss ? score.loss : score.accuracy
    }

    /// The epoch (counted from 1) of the highest value of a learning curve, the first if several
    /// tie; nil for an empty curve.
    public static func bestEpoch(of curve: [Double]) -> Int? {
        curve.indices.max { curve[$0] < curve[$1] || (curve[$0] == curve[$1] && $0 > $1) }.map { $0 + 1 }
    }

    /// The objective value of a run's reports (NaN, which fails the trial, when there are none).
    public func objective(of reports: [EpochReport]) -> Double {
        switch metric {
        case .accuracy: return reports.last?.validationAccuracy ?? .nan
        case .bestAccuracy: return reports.map(\.validationAccuracy).max() ?? .nan
        case .logLoss, .mse: return reports.last?.validationLoss ?? .nan
        }
    }
}
