import Foundation
import MetaTune

/// A few-shot learner's own hyperparameters as a MetaTune objective (`metatune tune --model
/// fewshot`): each trial meta-trains a learner with the suggested settings and scores it on
/// meta-validation episodes; the meta-test split is kept for the final comparison of the best
/// trial's settings with the defaults.
public struct FewShotTuning: Sendable {
    public let method: FewShotMethod
    public let benchmark: FewShotBenchmark
    /// The settings a trial starts from (its suggestions replace some of them).
    public let base: FewShotSettings
    /// Episodes each score averages.
    public let episodes: Int

    /// The documented default space: `inner_lr` (log; regression 1e-3–0.1, classification
    /// 0.01–1 — an order of magnitude either side of the protocol's rate, capped where sinusoid
    /// meta-training diverges), `meta_lr` (log, 1e-4–1e-2), `inner_steps` (1–5) and `meta_batch`
    /// (log; 8–32 tasks — smaller meta-batches make the meta-gradient too noisy to rank settings
    /// by one run).
    public static func defaultSpace(regression: Bool = true) throws -> SearchSpace {
        let innerRate = regression ? "{type: float, low: 1.0e-3, high: 0.1, log: true}" : "{type: float, low: 0.01, high: 1.0, log: true}"
        return try SearchSpaceFile.parse("""
            inner_lr:    \(innerRate)
            meta_lr:     {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
            inner_steps: {type: int, low: 1, high: 5}
            meta_batch:  {type: int, low: 8, high: 32, log: true}
            """, file: "default fewshot space")
    }

    /// The default space for this tuning's benchmark.
    public func defaultSpace() throws -> SearchSpace { try Self.defaultSpace(regression: benchmark.ways == nil) }

    /// The base settings as parameters of `space` — the trial a tuning run starts with, so its
    /// best is never worse on meta-validation than the protocol's defaults (SMAC starts from the
    /// default configuration the same way). Names whose default lies outside the space are left
    /// to the sampler.
    public func defaultParams(in space: SearchSpace) -> [String: ParamValue] {
        let values: [String: ParamValue] = ["inner_lr": .float(Double(base.innerLearningRate)), "meta_lr": .float(Double(base.metaLearningRate)),
                                            "inner_steps": .int(base.innerSteps), "meta_batch": .int(base.metaBatch)]
        var params: [String: ParamValue] = [:]
        for spec in space.parameters where spec.condition == nil {
            if let value = values[spec.name], spec.distribution.internalValue(of: value) != nil { params[spec.name] = value }
        }
        return params
    }

    /// `episodes` defaults to 500 tasks for regression (a score's interval is then about ±5 % of
    /// the mean at the protocol's settings) and 200 for classification.
    public init(method: FewShotMethod, benchmark: FewShotBenchmark, base: FewShotSettings, episodes: Int? = nil) throws {
        guard method != .scratch else { throw FewShotError("the scratch baseline has no meta-training to tune") }
        self.method = method
        self.benchmark = benchmark
        self.base = base
        self.episodes = episodes ?? (benchmark.ways == nil ? 500 : 200)
    }

    /// Minimise the MSE (regression), maximise the accuracy (classification).
    public var direction: StudyDirection { benchmark.ways == nil ? .minimize : .maximize }

    /// Adaptation steps a score is taken after: 10 for regression, 5 for classification.
    public var scoredSteps: Int { benchmark.ways == nil ? 10 : 5 }

    /// The settings a trial's parameters describe (names the space does not hold keep `base`'s).
    public func settings(_ params: [String: ParamValue]) -> FewShotSettings {
        var settings = base
        if let value = params["inner_lr"]?.doubleValue { settings.innerLearningRate = Float(value) }
        if let value = params["meta_lr"]?.doubleValue { settings.metaLearningRate = Float(value) }
        if let value = params["inner_steps"]?.intValue { settings.innerSteps = value }
        if let value = params["meta_batch"]?.intValue { settings.metaBatch = value }
        return settings
    }

    /// Meta-trains with `settings` and scores on `split` after `scoredSteps` steps.
    public func score(_ settings: FewShotSettings, split: FewShotSplit) throws -> Double {
        let learner = try FewShotLearner(method: method, benchmark: benchmark, settings: settings)
        try learner.train()
        let scores = try learner.evaluate(split: split, steps: [scoredSteps], episodes: episodes)
        guard let value = scores.last?.value, value.isFinite else { throw FewShotError("the learner scored no finite value") }
        return value
    }

    /// The objective of one trial: its settings' meta-validation score.
    public func evaluate(_ trial: Trial, space: SearchSpace) throws -> Double {
        try score(settings(try trial.suggest(space: space)), split: .validation)
    }
}
