/// A way of learning from few examples: the gradient-based meta-learners, the metric-based one,
/// and two baselines that do not meta-learn.
public enum FewShotMethod: String, CaseIterable, Sendable, Codable {
    /// MAML (Finn et al., 2017): an initialisation from which a few SGD steps on a task's support
    /// set fit it; meta-gradients pass through the inner steps (second order).
    case maml
    /// First-order MAML: the same, with the inner steps' gradients taken as constants.
    case fomaml
    /// Reptile (Nichol et al., 2018): the initialisation moves towards the weights several SGD
    /// steps on each task reach.
    case reptile
    /// Meta-SGD (Li et al., 2017): MAML with a learned learning rate per parameter.
    case metasgd
    /// ANIL (Raghu et al., 2020): MAML whose inner loop adapts only the last layer (the head).
    case anil
    /// Prototypical Networks (Snell et al., 2017): an embedding in which each query goes to the
    /// class whose support mean is nearest (classification only; no inner loop).
    case protonet
    /// Baseline: a fresh network per task, trained on its support set only.
    case scratch
    /// Baseline: a network trained on all meta-training data pooled, then fine-tuned per task
    /// (a fresh head for classification).
    case pretrain

    /// Whether an inner loop adapts weights to each task (all but Prototypical Networks).
    public var adapts: Bool { self != .protonet }

    /// Whether meta-training needs the inner steps' gradients differentiated again.
    var secondOrder: Bool { self == .maml || self == .metasgd || self == .anil }
}

/// The hyperparameters of a few-shot learner (what `metatune tune --model fewshot` tunes).
public struct FewShotSettings: Codable, Sendable, Equatable {
    /// Support examples per task (per class for classification).
    public var shots: Int
    /// The inner loop's SGD learning rate (Meta-SGD's initial per-parameter rate).
    public var innerLearningRate: Float
    /// Inner SGD steps per task during meta-training.
    public var innerSteps: Int
    /// Adam's learning rate on the meta-parameters (and the pre-training baseline's).
    public var metaLearningRate: Float
    /// Tasks per meta-iteration.
    public var metaBatch: Int
    /// Meta-iterations (pre-training steps for the baseline).
    public var iterations: Int
    /// Seeds the initial weights and the episodes.
    public var seed: UInt64

    public init(shots: Int, innerLearningRate: Float, innerSteps: Int, metaLearningRate: Float, metaBatch: Int,
                iterations: Int, seed: UInt64) {
        self.shots = shots
        self.innerLearningRate = innerLearningRate
        self.innerSteps = innerSteps
        self.metaLearningRate = metaLearningRate
        self.metaBatch = metaBatch
        self.iterations = iterations
        self.seed = seed
    }

    /// The protocol's defaults: sinusoid — inner rate 0.01, meta-batch 25, 3,000 iterations;
    /// fashion — inner rate 0.1, meta-batch 8, 1,000 iterations; both one inner step (Reptile 5)
    /// and Adam at 0.001.
    public static func defaults(method: FewShotMethod, benchmark: String, shots: Int, seed: UInt64 = 0) -> FewShotSettings {
        let classification = benchmark != "sinusoid"
        return FewShotSettings(shots: shots, innerLearningRate: classification ? 0.1 : 0.01, innerSteps: method == .reptile ? 5 : 1,
                               metaLearningRate: 0.001, metaBatch: classification ? 8 : 25, iterations: classification ? 1000 : 3000,
                               seed: seed)
    }

    /// Throws a `FewShotError` naming the first setting out of range.
    public func validate() throws {
        guard (1...1000).contains(shots) else { throw FewShotError("shots must be from 1 to 1000, not \(shots)") }
        guard innerLearningRate.isFinite, innerLearningRate > 0, innerLearningRate <= 100 else {
            throw FewShotError("the inner learning rate must be above 0 and at most 100, not \(innerLearningRate)")
        }
        guard (0...100).contains(innerSteps) else { throw FewShotError("inner steps must be from 0 to 100, not \(innerSteps)") }
        guard metaLearningRate.isFinite, metaLearningRate > 0, metaLearningRate <= 10 else {
            throw FewShotError("the meta learning rate must be above 0 and at most 10, not \(metaLearningRate)")
        }
        guard (1...1000).contains(metaBatch) else { throw FewShotError("the meta-batch must be from 1 to 1000 tasks, not \(metaBatch)") }
        guard (0...10_000_000).contains(iterations) else { throw FewShotError("iterations must be from 0 to 10,000,000, not \(iterations)") }
    }
}
