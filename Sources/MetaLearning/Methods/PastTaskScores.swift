import Foundation
import MetaTune
import MetaTuneNumerics

/// The past tasks' results seen from a new search space: each task's trials as points of the new
/// space's unit cube, scored by the normal scores of their ranks on the task (so that every task
/// counts alike), and a prediction of each task's normalised score anywhere in the space.
///
/// A past value is first fitted into the new space: a number is clipped (and snapped) into the new
/// bounds, a categorical value the new space does not offer is missing, and so is a parameter the
/// past study did not have; a missing coordinate is left out of distances. A configuration a task
/// tried scores exactly; any other is predicted by a kernel average of the task's trials (Gaussian
/// in the root-mean-square coordinate distance, length `lengthScale`), shrunk towards the task's
/// mean (0) where the task has no trial nearby.
public struct PastTaskScores: Sendable {
    /// The new search space.
    public let space: SearchSpace
    /// The past tasks, in the knowledge base's order.
    public let tasks: [PastTask]
    /// flatPoints[t]: task t's trials in the new space, one after another (`dimension` values each,
    /// NaN: missing coordinate), for the kernel's inner loop.
    private let flatPoints: [[Double]]
    private let dimension: Int
    /// normalised[t][i]: the normal score of trial i's rank on task t.
    let normalised: [[Double]]
    private let exact: [[[Double?]: Double]]
    private let categorical: [Bool]
    /// The kernel's length in unit-cube coordinates (root mean square over the shared ones).
    public static let lengthScale = 0.12
    /// The kernel weight of the task's mean: a prediction far from every trial tends to 0.
    static let priorWeight = 0.05

    public init(knowledge: KnowledgeBase, space: SearchSpace) {
        self.space = space
        tasks = knowledge.tasks
        categorical = space.parameters.map(\.distribution.isCategorical)
        dimension = space.parameters.count
        var flatPoints: [[Double]] = [], normalised: [[Double]] = [], exact: [[[Double?]: Double]] = []
        for task in knowledge.tasks {
            let encoded = task.trials.map { Self.encode($0.params, space: space) }
            let scores = PerformanceMapping.normalScoresOfRanks(task.trials.map(\.score))
            var sums: [[Double?]: (Double, Double)] = [:]
            for (point, score) in zip(encoded, scores) {
                let sum = sums[point, default: (0, 0)]
                sums[point] = (sum.0 + score, sum.1 + 1)
            }
            flatPoints.append(encoded.flatMap { $0.map { $0 ?? .nan } })
            normalised.append(scores)
            exact.append(sums.mapValues { $0.0 / $0.1 })
        }
        self.flatPoints = flatPoints
        self.normalised = normalised
        self.exact = exact
    }

    /// `params` fitted into `space` (see the type's description): the parameters the space can take.
    public static func fitted(_ params: [String: ParamValue], space: SearchSpace) -> [String: ParamValue] {
        var fitted: [String: ParamValue] = [:]
        for spec in space.parameters {
            guard let value = params[spec.name] else { continue }
            switch spec.distribution {
            case .float, .int:
                if let number = value.doubleValue, number.isFinite { fitted[spec.name] = spec.distribution.externalValue(number) }
            case .categorical(let categorical):
                if categorical.index(of: value) != nil { fitted[spec.name] = value }
            }
        }
        return fitted
    }

    /// The unit-cube point of `params` in `space` (categoricals by choice index; nil: missing).
    public static func encode(_ params: [String: ParamValue], space: SearchSpace) -> [Double?] {
        let fitted = fitted(params, space: space)
        return space.parameters.map { spec in
            guard let value = fitted[spec.name], let raw = spec.distribution.internalValue(of: value) else { return nil }
            return spec.distribution.isCategorical ? raw : spec.distribution.unit(ofInternal: raw)
        }
    }

    /// Task `task`'s predicted normalised score at `point` (higher is better).
    public func predict(task: Int, at point: [Double?]) -> Double {
        if let score = exact[task][point] { return score }
        let query = point.map { $0 ?? .nan }
        let scale = 2 * Self.lengthScale * Self.lengthScale
        var weightSum = Self.priorWeight, valueSum = 0.0
        flatPoints[task].withUnsafeBufferPointer { trials in
            for (i, score) in normalised[task].enumerated() {
                var squared = 0.0, shared = 0
                for j in 0..<dimension {
                    let a = query[j], b = trials[i * dimension + j]
                    guard !a.isNaN, !b.isNaN else { continue }
                    shared += 1
                    squared += categorical[j] ? (a == b ? 0 : 1) : (a - b) * (a - b)
                }
                guard shared > 0 else { continue }
                let exponent = squared / Double(shared) / scale
                guard exponent < 30 else { continue }  // a weight below 1e-13 changes nothing
                let weight = exp(-exponent)
                weightSum += weight
                valueSum += weight * score
            }
        }
        return valueSum / weightSum
    }

    /// Task `task`'s best normalised score (that of its best trial).
    public func best(task: Int) -> Double { normalised[task].max() ?? 0 }
}
