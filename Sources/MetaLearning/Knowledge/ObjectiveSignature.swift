import Foundation
import MetaTune

/// What a study measured, recorded on it so that knowledge never mixes objectives silently: the
/// metric's name (`tune`'s `--metric`, `run`'s `--metric`, default `value`), and for built-in
/// tasks the model and the epochs it trained. The direction is the study's own.
public struct ObjectiveSignature: Sendable, Codable, Hashable {
    /// The metric's name, e.g. `accuracy`, `best-accuracy`, `log-loss` or a name a user chose.
    public let metric: String
    /// The built-in model (`mlp`, `cnn`), or nil for an external command or a Swift objective.
    public let model: String?
    /// The epochs a built-in model trained, if it is one.
    public let epochs: Int?

    public init(metric: String, model: String? = nil, epochs: Int? = nil) {
        self.metric = metric
        self.model = model
        self.epochs = epochs
    }

    /// The quantity the metric measures: the last and the best epoch's validation accuracy are
    /// the same quantity scored two ways (knowledge is rescored between them), anything else is
    /// its own.
    public var quantity: String {
        metric == "best-accuracy" ? "accuracy" : metric
    }

    /// Whether a past study that measured `self` may teach a study that measures `other`: the
    /// same model (or both none) and the same quantity.
    public func isComparable(to other: ObjectiveSignature) -> Bool {
        model == other.model && quantity == other.quantity
    }

    /// A short human description, e.g. "accuracy of mlp (20 epochs)" or "value".
    public var summary: String {
        guard let model else { return metric }
        return "\(metric) of \(model)" + (epochs.map { " (\($0) epochs)" } ?? "")
    }
}
