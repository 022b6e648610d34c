import Foundation
import MetaTuneNumerics

/// Tree-structured Parzen Estimator (Bergstra et al. 2011; the multivariate variant of Falkner et
/// al. 2018 as Optuna uses it).
///
/// Finished trials are split into the best `gamma(n)` ("below") and the rest ("above"); a Parzen
/// estimator is fitted to each, `eiCandidates` points are drawn from the "below" density l(x), and
/// the one with the largest l(x)/g(x) is suggested. Until `startupTrials` trials have finished,
/// parameters are drawn at random.
///
/// In multivariate mode the parameters shared by every observed trial (complete, pruned, or paused
/// by a scheduler) are modelled jointly; the others (e.g. conditional ones) fall back to
/// independent, per-parameter TPE, which only uses trials in which that parameter exists, so
/// inactive parameters are never suggested.
public struct TPESampler: Sampler {
    public struct Options: Sendable {
        /// Trials drawn at random before the model is used.
        public var startupTrials = 10
        /// Candidates drawn from l(x) per suggestion.
        public var eiCandidates = 24
        /// Model the shared parameters jointly.
        public var multivariate = true
        /// Add a wide kernel centred on the space to both densities, with this weight.
        public var considerPrior = true
        public var priorWeight = 1.0
        /// Keep kernels from becoming too narrow when there are few observations.
        public var considerMagicClip = true
        /// Let the bounds act as neighbours when sizing the outermost kernels (independent mode).
        public var considerEndpoints = false
        /// Lets the kernels of the "below" density narrow as evidence accumulates: their width floor
        /// (the magic clip) counts this fraction of *all* finished trials instead of only the few
        /// good ones, so late suggestions refine the best region. 0 reproduces Optuna's TPE.
        public var belowBandwidthShrink = 0.4
        /// Treat running trials as bad results, so parallel asks spread out.
        public var constantLiar = false
        /// How many trials form the "below" group, given the number of finished trials.
        public var gamma: @Sendable (Int) -> Int = TPESampler.defaultGamma
        /// The weight of each trial of a group, oldest first, given the group's size.
        public var weights: @Sendable (Int) -> [Double] = TPESampler.defaultWeights

        public init() {}
    }

    public let seed: UInt64
    public let options: Options
    private let settings: ParzenSettings
    private let cache = HistoryCache(intersectionIncludesPartial: true)

    public init(seed: UInt64 = 0, options: Options = Options()) {
        self.seed = seed
        self.options = options
        settings = ParzenSettings(priorWeight: options.priorWeight, considerPrior: options.considerPrior,
                                  considerMagicClip: options.considerMagicClip,
                                  considerEndpoints: options.considerEndpoints)
    }

    /// min(⌈0.1 n⌉, 25): the best 10 % of trials, at most 25.
    @Sendable public static func defaultGamma(_ n: Int) -> Int {
        min(Int((0.1 * Double(n)).rounded(.up)), 25)
    }

    /// Equal weights for up to 25 trials; beyond that the older trials' weights ramp down linearly
    /// from 1 to 1/n, so recent trials count more.
    @Sendable public static func defaultWeights(_ n: Int) -> [Double] {
        if n == 0 { return [] }
        if n < 25 { return [Double](repeating: 1, count: n) }
        let rampCount = n - 25
        let ramp = (0..<rampCount).map { i -> Double in
            rampCount == 1 ? 1 / Double(n) : 1 / Double(n) + (1 - 1 / Double(n)) * Double(i) / Double(rampCount - 1)
        }
        return ramp + [Double](repeating: 1, count: 25)
    }

    // MARK: - Sampler

    public func relativeSearchSpace(history: StudyHistory, trial: FrozenTrial) -> [String: Distribution] {
        guard options.multivariate else { return [:] }
        return cache.intersectionSearchSpace(of: history)
    }

    public func sampleRelative(history: StudyHistory, trial: FrozenTrial, space: [String: Distribution]) -> [String: ParamValue] {
        guard finishedCount(history) >= options.startupTrials else { return [:] }
        let axes = space.keys.sorted().map { TPEAxis(name: $0, distribution: space[$0]!) }
        var generator = decisionGenerator(seed: seed, trial: trial.number, label: "tpe-relative")
        guard let best = suggest(axes: axes, history: history, trial: trial, using: &generator) else {
            return [:]
        }
        var values: [String: ParamValue] = [:]
        for (axis, x) in zip(axes, best) { values[axis.name] = axis.value(at: x) }
        return values
    }

    public func sampleIndependent(history: StudyHistory, trial: FrozenTrial, name: String, distribution: Distribution) -> ParamValue {
        let random = RandomSampler(seed: seed)
        guard finishedCount(history) >= options.startupTrials else {
            return random.sampleIndependent(history: history, trial: trial, name: name, distribution: distribution)
        }
        let axis = TPEAxis(name: name, distribution: distribution)
        var generator = decisionGenerator(seed: seed, trial: trial.number, label: name)
        guard let best = suggest(axes: [axis], history: history, trial: trial, using: &generator) else {
            return random.sampleIndependent(history: history, trial: trial, name: name, distribution: distribution)
        }
        return axis.value(at: best[0])
    }

    // MARK: - The TPE step

    private func finishedCount(_ history: StudyHistory) -> Int {
        var count = 0
        for index in history.trials.indices where history.trials[index].state == .complete || history.trials[index].state == .pruned
            || history.trials[index].isPausedByScheduler {
            count += 1
        }
        return count
    }

    /// The best of `eiCandidates` draws from l(x) by l(x)/g(x), in the estimators' space; nil when
    /// no finished trial has all the axes.
    private func suggest(axes: [TPEAxis], history: StudyHistory, trial: FrozenTrial,
                         using generator: inout SeededGenerator) -> [Double]? {
        let split = TPESplit(history: history, axes: axes, excluding: trial.number,
                             constantLiar: options.constantLiar, gamma: options.gamma, cache: cache)
        guard split.observationCount > 0 else { return nil }
        var belowSettings = settings
        belowSettings.minimumBandwidthCount = options.belowBandwidthShrink * Double(split.observationCount)
        let below = ParzenEstimator(axes: axes, observations: split.below,
                                    observationWeights: options.weights(split.below.count), settings: belowSettings)
        let above = ParzenEstimator(axes: axes, observations: split.above,
                                    observationWeights: options.weights(split.above.count), settings: settings)
        let candidates = below.sample(count: max(options.eiCandidates, 1), using: &generator)
        let scoresBelow = below.logDensity(candidates)
        let scoresAbove = above.logDensity(candidates)
        var bestIndex = 0
        var bestScore = -Double.infinity
        for i in candidates.indices {
            let score = scoresBelow[i] - scoresAbove[i]
            if score > bestScore {
                bestScore = score
                bestIndex = i
            }
        }
        return candidates[bestIndex]
    }
}
