import Foundation
import MetaTuneNumerics

/// Sequential model-based optimisation with a random-forest surrogate (SMAC, Hutter et al. 2011).
///
/// The parameters shared by every complete trial are searched jointly: the first `initialTrials`
/// points follow a scrambled Sobol sequence; after that a `RandomForestRegressor` is fitted to the
/// complete trials' losses (log-scaled by default) and the point maximising expected improvement
/// — over random points plus local searches that change one coordinate at a time — is suggested.
/// Every `randomInterval`-th trial is random instead, which keeps the search from settling on a
/// wrong model. Parameters outside the joint space (e.g. conditional ones) are drawn at random.
/// Pruned, failed and running trials are not modelled.
public struct RandomForestSampler: Sampler {
    public struct Options: Sendable {
        /// Sobol points before the forest is used.
        public var initialTrials = 10
        /// Trials whose number + 1 is a multiple of this are random (0: none). Every 20th costs
        /// little on the benchmark suite; every 5th (SMAC's 20 %) is clearly worse at 100 trials.
        public var randomInterval = 20
        /// Model log(loss − best + ε·range) instead of the loss, which resolves the region near
        /// the best trial far better.
        public var logTransform = true
        /// ε of the log transform, as a fraction of the losses' range.
        public var logOffset = 1e-3
        public var randomCandidates = 1000
        /// Local searches per suggestion (half from the best trials, half from the best random points).
        public var localSearchStarts = 20
        /// Moves per local search at most.
        public var localSearchSteps = 50
        /// The standard deviation of a numeric neighbour's step, in the unit cube.
        public var neighbourScale = 0.2
        /// The surrogate: SMAC's settings for hyperparameter optimisation (leaves of one trial, so the
        /// variance comes from the trees' disagreement).
        public var forest: RandomForestRegressor.Options = {
            var forest = RandomForestRegressor.Options()
            forest.minSamplesLeaf = 1
            forest.minSamplesSplit = 2
            return forest
        }()

        public init() {}
    }

    public let seed: UInt64
    public let options: Options
    private let cache = HistoryCache()

    public init(seed: UInt64 = 0, options: Options = Options()) {
        self.seed = seed
        self.options = options
    }

    public func relativeSearchSpace(history: StudyHistory, trial: FrozenTrial) -> [String: Distribution] {
        cache.intersectionSearchSpace(of: history)
    }

    public func sampleRelative(history: StudyHistory, trial: FrozenTrial, space: [String: Distribution]) -> [String: ParamValue] {
        let axes = space.keys.sorted().map { SpaceAxis(name: $0, distribution: space[$0]!) }
        guard !axes.isEmpty else { return [:] }
        let (points, losses) = observations(history: history, axes: axes)
        if points.count < options.initialTrials {
            guard axes.count <= SobolSequence.maxDimension else { return [:] }
            let sobol = SobolSequence.point(index: trial.number, dimension: axes.count, scrambleSeed: seed)
            return values(at: zip(axes, sobol).map { $0.distribution.isCategorical ? $0.distribution.internalValue(fromUnit: $1) : $1 },
                          axes: axes)
        }
        if options.randomInterval > 0 && (trial.number + 1) % options.randomInterval == 0 { return [:] }
        let targets = options.logTransform ? Self.logScaled(losses, offset: options.logOffset) : losses
        let features = axes.map { axis -> ForestFeature in
            if case .categorical(let d) = axis.distribution { return .categorical(count: d.choices.count) }
            return .numeric
        }
        var generator = decisionGenerator(seed: seed, trial: trial.number, label: "rf")
        let forest = RandomForestRegressor(x: points, y: targets, features: features, options: options.forest,
                                           seed: generator.next())
        let search = AcquisitionSearch(forest: forest, axes: axes, incumbent: targets.min()!)
        let best = losses.indices.sorted { (losses[$0], $0) < (losses[$1], $1) }.map { points[$0] }
        let point = search.maximise(seeds: best, candidates: options.randomCandidates, starts: options.localSearchStarts,
                                    steps: options.localSearchSteps, neighbourScale: options.neighbourScale,
                                    using: &generator)
        return values(at: point, axes: axes)
    }

    public func sampleIndependent(history: StudyHistory, trial: FrozenTrial, name: String, distribution: Distribution) -> ParamValue {
        RandomSampler(seed: seed).sampleIndependent(history: history, trial: trial, name: name, distribution: distribution)
    }

    /// log(y − min + ε) with ε = `offset` × the range (× 1 when all are equal).
    static func logScaled(_ losses: [Double], offset: Double) -> [Double] {
        let low = losses.min()!, high = losses.max()!
        let epsilon = offset * (high > low ? high - low : 1)
        return losses.map { Foundation.log($0 - low + epsilon) }
    }

    /// The complete trials having every axis: their points (unit coordinates; categories as
    /// indices) and losses.
    private func observations(history: StudyHistory, axes: [SpaceAxis]) -> ([[Double]], [Double]) {
        let table = cache.pointTable(spaceKey: axes, history: history)
        var points: [[Double]] = [], losses: [Double] = []
        for trial in history.trials where trial.state == .complete {
            let point = table.point(number: trial.number, finished: true) {
                var point: [Double] = []
                for axis in axes {
                    guard trial.distributions[axis.name] == axis.distribution,
                          let raw = trial.internalValue(of: axis.name) else { return nil }
                    point.append(axis.distribution.isCategorical ? raw : axis.distribution.unit(ofInternal: raw))
                }
                return point
            }
            if let point {
                points.append(point)
                losses.append(history.direction.loss(trial.value!))
            }
        }
        return (points, losses)
    }

    private func values(at point: [Double], axes: [SpaceAxis]) -> [String: ParamValue] {
        var values: [String: ParamValue] = [:]
        for (axis, x) in zip(axes, point) {
            let raw = axis.distribution.isCategorical ? x : axis.distribution.internalValue(fromUnit: x)
            values[axis.name] = axis.distribution.externalValue(raw)
        }
        return values
    }
}
