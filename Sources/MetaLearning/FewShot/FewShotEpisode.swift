import Neural

/// What the examples of a few-shot set are to be mapped to.
public enum FewShotTargets: Sendable {
    /// One real value per example (regression; the loss is the mean squared error).
    case values([Float])
    /// One class of 0..<classes per example (classification; the loss is cross-entropy).
    case labels([Int], classes: Int)

    /// The training loss of `prediction` ([examples, 1] or [examples, classes]).
    public func loss(_ prediction: Tensor) -> Tensor {
        switch self {
        case .values(let values): return prediction.meanSquaredError(values)
        case .labels(let labels, _): return prediction.softmaxCrossEntropy(labels: labels)
        }
    }

    /// The reported metric of `prediction`: the mean squared error, or the accuracy in percent.
    public func metric(_ prediction: Tensor) -> Double {
        switch self {
        case .values(let values):
            var total = 0.0
            for (p, t) in zip(prediction.data, values) { total += Double(p - t) * Double(p - t) }
            return total / Double(max(values.count, 1))
        case .labels(let labels, let classes):
            var correct = 0
            for (row, label) in labels.enumerated() {
                let scores = prediction.data[(row * classes)..<((row + 1) * classes)]
                if scores.indices.max(by: { scores[$0] < scores[$1] }).map({ $0 - row * classes }) == label { correct += 1 }
            }
            return 100 * Double(correct) / Double(max(labels.count, 1))
        }
    }

    /// The number of examples.
    public var count: Int {
        switch self {
        case .values(let values): return values.count
        case .labels(let labels, _): return labels.count
        }
    }
}

/// Examples and their targets: a task's support or query set.
public struct FewShotSet {
    /// [examples, features] or [examples, channels, height, width].
    public let inputs: Tensor
    public let targets: FewShotTargets

    public init(inputs: Tensor, targets: FewShotTargets) {
        self.inputs = inputs
        self.targets = targets
    }
}

/// One task: the support set a learner adapts on, and the query set it is judged on.
public struct FewShotEpisode {
    public let support: FewShotSet
    public let query: FewShotSet

    public init(support: FewShotSet, query: FewShotSet) {
        self.support = support
        self.query = query
    }
}
