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

    /// The documented default space: `inner_lr` (log, 0.001–1), `meta_lr` (log, 1e-4–1e-2),
    /// `inner_steps` (1–5) and `meta_batch` (log, 4–32).
    public static func defaultSpace() throws -> SearchSpace {
        try SearchSpaceFile.parse("""
            inner_lr:    {type: float, low: 1.0e-3, high: 1.0, log: true}
            meta_lr:     {type: float, low: 1.0e-4, high: 1.0e-2, log: true}
            inner_steps: {type: int, low: 1, high: 5}
            meta_batch:  {type: int, low: 4, high: 32, log: true}
            """, file: "default fewshot space")
    }

    public init(method: FewShotMethod, benchmark: FewShotBenchmark, base: FewShotSettings, episodes: Int = 100) throws {
        guard method != .scratch else { throw FewShotError("the scratch baseline has no meta-training to tune") }
        self.method = method
        self.benchmark = benchmark
        self.base = base
        self.episodes = episodes
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
