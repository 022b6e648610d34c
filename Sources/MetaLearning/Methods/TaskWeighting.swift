import Foundation
import MetaTune

/// How much each past task counts for a new one, from two signals:
/// - **meta-features**, when the new task and past tasks have them: w = exp(−(d/h)²), d the
///   standardised meta-feature distance (`NearestTasks`), h `metaBandwidth`; a past task without
///   meta-features gets the mean weight of those with them;
/// - **the new task's own trials**, always available once it has two: Kendall's τ between a past
///   task's predicted scores of the new task's trials and their real scores (how well the past
///   task ranks them, as RGPE and TST judge their models), multiplied in as exp(β (n − 1) τ) for n
///   trials, β `observationStrength`, so the evidence grows with every trial.
/// With `topK`, only the K heaviest tasks keep weight, equally (kNN). Weights sum to 1.
public struct TaskWeighting: Sendable, Hashable, CustomStringConvertible {
    /// h of the meta-feature kernel; nil ignores meta-features.
    public var metaBandwidth: Double?
    /// β; 0 ignores the new task's trials.
    public var observationStrength: Double
    /// K for kNN; nil keeps every task.
    public var topK: Int?

    public init(metaBandwidth: Double? = nil, observationStrength: Double = 0, topK: Int? = nil) {
        self.metaBandwidth = metaBandwidth
        self.observationStrength = observationStrength
        self.topK = topK
    }

    public var description: String {
        var parts: [String] = []
        if let metaBandwidth { parts.append(String(format: "by meta-features (bandwidth %g)", metaBandwidth)) }
        if observationStrength > 0 { parts.append(String(format: "by how they rank this task's trials (strength %g)", observationStrength)) }
        if parts.isEmpty { parts.append("equally") }
        return parts.joined(separator: " and ") + (topK.map { ", the \($0) nearest only" } ?? "")
    }

    /// The weight of every task of `scores`, given the new task's meta-features and its finished
    /// trials (points in `scores.space`, scores higher-is-better); `skip` gets weight 0 (a task
    /// held out by an inner leave-one-out).
    public func weights(scores: PastTaskScores, metaFeatures: MetaFeatures?, observations: [(point: [Double?], score: Double)],
                        skip: Int? = nil) -> [Double] {
        weights(prior: metaPrior(scores: scores, metaFeatures: metaFeatures, skip: skip), observed: observations.map(\.score),
                skip: skip) { observation, task in
            scores.predict(task: task, at: observations[observation].point)
        }
    }

    /// The meta-feature part of the weights, as log-weights per task (zeros without a bandwidth or
    /// without meta-features): it does not change with the new task's trials, so a caller weighing
    /// again after every trial computes it once.
    func metaPrior(scores: PastTaskScores, metaFeatures: MetaFeatures?, skip: Int?) -> [Double] {
        let count = scores.tasks.count
        var logWeights = [Double](repeating: 0, count: count)
        guard let metaBandwidth, let metaFeatures else { return logWeights }
        let described = scores.tasks.enumerated().filter { $0.element.metaFeatures != nil && $0.offset != skip }
        guard !described.isEmpty else { return logWeights }
        let nearest = NearestTasks(knowledge: KnowledgeBase(tasks: described.map(\.element)))
        let target = nearest.standardized(metaFeatures)
        var sum = 0.0
        for (index, task) in described {
            guard let features = task.metaFeatures else { continue }
            let v = nearest.standardized(features)
            var squared = 0.0
            for j in v.indices { squared += (v[j] - target[j]) * (v[j] - target[j]) }
            logWeights[index] = -squared / (metaBandwidth * metaBandwidth)
            sum += logWeights[index]
        }
        let mean = sum / Double(described.count)
        for index in 0..<count where scores.tasks[index].metaFeatures == nil { logWeights[index] = mean }
        return logWeights
    }

    /// The weights from the meta-feature log-weights `prior` (`metaPrior`) and the new task's
    /// `observed` scores, with the past tasks' predictions of them given by
    /// `prediction(observation, task)` (e.g. from a table).
    func weights(prior: [Double], observed: [Double], skip: Int?, prediction: (Int, Int) -> Double) -> [Double] {
        let count = prior.count
        var logWeights = prior
        if observationStrength > 0, observed.count >= 2 {
            let n = Double(observed.count - 1)
            for t in 0..<count where t != skip {
                let predicted = observed.indices.map { prediction($0, t) }
                logWeights[t] += observationStrength * n * Self.kendallTau(predicted, observed)
            }
        }
        var active = (0..<count).filter { $0 != skip }
        if let topK, active.count > topK {
            active.sort { logWeights[$0] > logWeights[$1] || (logWeights[$0] == logWeights[$1] && $0 < $1) }
            active = Array(active.prefix(topK))
            for t in active { logWeights[t] = 0 }
        }
        guard let top = active.map({ logWeights[$0] }).max() else { return [Double](repeating: 0, count: count) }
        var weights = [Double](repeating: 0, count: count)
        for t in active { weights[t] = exp(logWeights[t] - top) }
        let total = weights.reduce(0, +)
        return weights.map { $0 / total }
    }

    /// Kendall's τ-a over the pairs whose `actual` values differ: (concordant − discordant) / pairs.
    static func kendallTau(_ predicted: [Double], _ actual: [Double]) -> Double {
        var concordant = 0, discordant = 0, pairs = 0
        for i in actual.indices {
            for j in (i + 1)..<actual.count where actual[i] != actual[j] {
                pairs += 1
                let product = (predicted[i] - predicted[j]) * (actual[i] - actual[j])
                if product > 0 { concordant += 1 } else if product < 0 { discordant += 1 }
            }
        }
        return pairs > 0 ? Double(concordant - discordant) / Double(pairs) : 0
    }
}
