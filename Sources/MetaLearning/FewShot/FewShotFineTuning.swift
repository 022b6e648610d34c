/// How a learner adapts to an episode's support set when it is scored: its own inner loop (SGD
/// at its inner learning rate; Meta-SGD's learned rates; ANIL's head), or a stronger fine-tuning
/// for the baselines — Adam, on the whole network or on the head only over fixed body features
/// (the "Adam, 50 steps" baselines of few-shot papers).
public struct FewShotFineTuning: Sendable, Equatable {
    /// The optimizer of the adaptation steps.
    public enum Optimizer: String, Sendable, CaseIterable {
        case sgd, adam
    }

    public var optimizer: Optimizer
    /// The step size (nil: the learner's inner learning rate; Adam needs one).
    public var learningRate: Float?
    /// Whether only the last layer adapts, on features the rest of the network computes once.
    public var headOnly: Bool

    public init(optimizer: Optimizer, learningRate: Float? = nil, headOnly: Bool = false) {
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.headOnly = headOnly
    }

    /// The learner's own inner loop.
    public static let innerLoop = FewShotFineTuning(optimizer: .sgd)

    /// Whether this is the learner's own inner loop.
    public var isInnerLoop: Bool { self == .innerLoop }

    /// A short name for reports: "inner loop", or e.g. "adam 0.01, head only".
    public var label: String {
        if isInnerLoop { return "inner loop" }
        let rate = learningRate.map { " \($0)" } ?? ""
        return optimizer.rawValue + rate + (headOnly ? ", head only" : "")
    }

    /// Throws a `FewShotError` for a setting that cannot run.
    public func validate() throws {
        if let learningRate, !(learningRate.isFinite && learningRate > 0 && learningRate <= 100) {
            throw FewShotError("the fine-tuning learning rate must be above 0 and at most 100, not \(learningRate)")
        }
        if optimizer == .adam && learningRate == nil {
            throw FewShotError("fine-tuning with Adam needs a learning rate")
        }
    }
}
