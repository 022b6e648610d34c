import Foundation
import MetaTuneNumerics

/// Bayesian optimisation with a Gaussian process.
///
/// The first `startupTrials` trials follow a scrambled Sobol design. After that, every trial
/// fits a GP (Matérn-5/2 with automatic relevance determination, hyperparameters by maximum a
/// posteriori marginal likelihood) to the complete trials — inputs in the unit cube, log
/// parameters on the log scale, categoricals compared for equality, targets log-warped and
/// standardised — and suggests the point that maximises the acquisition function (log expected
/// improvement by default).
///
/// The likelihood fit starts from the previous fit this sampler made for the same study (with
/// fresh starts from the prior every tenth model), which makes it several times cheaper.
/// Trials still running enter the model at its own prediction (the "Kriging believer"), so
/// parallel workers spread out.
///
/// The parameters shared by every complete trial are modelled jointly; any other parameter
/// (e.g. a conditional one) is sampled by independent TPE.
///
/// Constructing it changes nothing outside it. Its matrices are small, so BLAS threads only add
/// hand-off costs: for the ask times of BENCHMARKS.md call `BLAS.setThreads(1)` (from
/// `Numerics`) once at start-up, as the `metatune` command does.
public struct GPSampler: Sampler {
    /// How trials that are still running enter the model.
    public enum PendingStrategy: Sendable {
        /// Ignore them.
        case ignore
        /// Add them at the GP's predicted mean (the Kriging believer).
        case krigingBeliever
        /// Add them at the worst value observed so far.
        case constantLiar
    }

    public struct Options: Sendable {
        /// Trials from the Sobol design before the model is used.
        public var startupTrials = 10
        public var acquisition = Acquisition.logExpectedImprovement
        public var prior = KernelPrior()
        public var pending = PendingStrategy.krigingBeliever
        /// Model log(1 + (y − min)/scale) instead of y (see `GPObservations`).
        public var warpOutputs = true
        /// A prior mean: predictions for a batch of configurations, larger = better in the study's
        /// direction, in any units (e.g. a meta-learned model). The GP is then fitted to the
        /// residuals of the targets from a·m + b (a ≥ 0 and b by least squares on the trials so
        /// far), and the acquisition adds a·m + b back; the targets are not warped then. The
        /// local polish treats the prior mean as flat; every candidate is scored with it.
        public var priorMean: (@Sendable ([[String: ParamValue]]) -> [Double])?
        /// Candidates scored per suggestion (before local search).
        public var candidates = 1024
        /// Candidates polished by L-BFGS per suggestion.
        public var localSearchStarts = 8

        public init() {}
    }

    public let seed: UInt64
    public let options: Options
    private let declared: [String: Distribution]?
    private let cache = HistoryCache()
    private let lastFit = KernelMemo()
    private let fallback: TPESampler

    /// A GP sampler; `space`, when given, shapes the initial Sobol design from the first trial on.
    public init(seed: UInt64 = 0, options: Options = Options(), space: SearchSpace? = nil) {
        self.seed = seed
        self.options = options
        // The initial design covers the parameters every trial has (those without a condition).
        declared = space.map { space in
            Dictionary(uniqueKeysWithValues: space.parameters.filter { $0.condition == nil }.map { ($0.name, $0.distribution) })
        }
        var fallbackOptions = TPESampler.Options()
        fallbackOptions.multivariate = false
        fallback = TPESampler(seed: seed, options: fallbackOptions)
    }

    public func relativeSearchSpace(history: StudyHistory, trial: FrozenTrial) -> [String: Distribution] {
        let shared = cache.intersectionSearchSpace(of: history)
        if let declared, completeCount(history) < options.startupTrials {
            return shared.isEmpty ? declared : shared
        }
        return shared
    }

    public func sampleRelative(history: StudyHistory, trial: FrozenTrial, space: [String: Distribution]) -> [String: ParamValue] {
        guard !space.isEmpty, space.count <= SobolSequence.maxDimension else { return [:] }
        let features = GPFeatureSpace(space: space)
        let observations = GPObservations(history: history, features: features, excluding: trial.number)
        guard observations.count >= max(options.startupTrials, 2) else {
            let u = SobolSequence.point(index: trial.number, dimension: features.dimension, scrambleSeed: seed)
            return features.values(of: features.point(fromUnit: u))
        }
        var generator = decisionGenerator(seed: seed, trial: trial.number, label: "gp")
        // A prior mean is fitted linearly to the targets, so they are not warped then.
        let standardized = observations.standardizedTargets(warped: options.warpOutputs && options.priorMean == nil)
        let meanFunction = options.priorMean.map {
            PriorMeanFit(predict: $0, features: features, inputs: observations.inputs, targets: standardized)
        }
        let targets = meanFunction?.residuals ?? standardized
        let axesKey = features.axes.map(\.name)
        // Every tenth model also searches from the best of a few draws from the prior, in case
        // the warm-started fits have drifted into a poor local optimum of the likelihood.
        let warmStart = lastFit.kernel(for: history, axes: axesKey)
        let freshSearch = warmStart == nil || observations.count % 10 == 0
        let kernel = KernelFit.fit(inputs: observations.inputs, targets: targets, categorical: features.categoricalMask,
                                   prior: options.prior, warmStart: warmStart, starts: freshSearch ? 2 : 1,
                                   using: &generator)
        lastFit.remember(kernel, for: history, axes: axesKey)
        guard let fitted = GaussianProcess(inputs: observations.inputs, targets: targets, kernel: kernel) else {
            return [:]
        }
        let model = withPending(fitted, observations: observations, targets: targets)
        var optimizer = AcquisitionOptimizer(model: model, features: features, acquisition: options.acquisition,
                                             best: standardized.min()!)
        optimizer.meanOffset = meanFunction.map { fit in { fit.offsets(at: $0) } }
        optimizer.sobolCandidates = options.candidates
        optimizer.localSearchStarts = options.localSearchStarts
        let incumbents = standardized.indices.sorted { standardized[$0] < standardized[$1] }.prefix(5).map { observations.inputs[$0] }
        let sobolSeed = stableHash("gp-candidates") ^ seed &+ UInt64(bitPattern: Int64(trial.number)) &* 0x9E37_79B9_7F4A_7C15
        let x = optimizer.optimize(incumbents: incumbents, sobolSeed: sobolSeed, using: &generator)
        return features.values(of: x)
    }

    public func sampleIndependent(history: StudyHistory, trial: FrozenTrial, name: String, distribution: Distribution) -> ParamValue {
        fallback.sampleIndependent(history: history, trial: trial, name: name, distribution: distribution)
    }

    // MARK: - Helpers

    private func completeCount(_ history: StudyHistory) -> Int {
        history.trials.reduce(0) { $0 + ($1.state == .complete ? 1 : 0) }
    }

    /// The model with the running trials added at its own prediction (or at the worst value).
    private func withPending(_ model: GaussianProcess, observations: GPObservations, targets: [Double]) -> GaussianProcess {
        guard options.pending != .ignore, !observations.pending.isEmpty else { return model }
        let lies: [Double]
        switch options.pending {
        case .krigingBeliever: lies = model.predict(observations.pending).mean
        case .constantLiar: lies = [Double](repeating: targets.max()!, count: observations.pending.count)
        case .ignore: lies = []
        }
        return GaussianProcess(inputs: observations.inputs + observations.pending, targets: targets + lies,
                               kernel: model.kernel) ?? model
    }
}
