import Foundation
import MetaTune

/// The score on a task's held-out test rows of a study's best configuration, trained again (same
/// seed — the same model, since training is deterministic; under best-accuracy up to the trial's
/// best epoch, its weights restored there).
public struct HeldOutTest: Sendable, Equatable {
    /// The best trial whose configuration was scored.
    public let trial: Int
    /// What the score measures ("accuracy", or the loss's name).
    public let metric: String
    public let score: Double
    /// The test rows.
    public let rows: Int
    /// The epoch training stopped at under best-accuracy (nil: every epoch).
    public let bestEpoch: Int?
}

extension BuiltinTask {
    /// Trains the configuration of `study`'s best trial again and scores it on the test rows;
    /// nil when the task holds no test rows or the study no complete trial.
    public func heldOutTest(of study: Study) throws -> HeldOutTest? {
        guard let test, let best = try study.bestTrial else { return nil }
        let curve = best.intermediateValues.keys.sorted().compactMap { best.intermediateValues[$0] }
        let score = try testScore(params: best.params, trialNumber: best.number, curve: curve)
        return HeldOutTest(trial: best.number, metric: metric.isLoss ? metric.rawValue : "accuracy", score: score, rows: test.count,
                           bestEpoch: metric == .bestAccuracy ? Self.bestEpoch(of: curve) : nil)
    }
}
