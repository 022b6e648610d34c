import Foundation
import MetaTuneNumerics

/// Evaluates every point of a discretised search space exactly once, in a seeded random order.
///
/// Floats are cut into `pointsPerFloat` evenly spaced values (log-spaced on a log scale, or the
/// step grid when it is no larger); integers take every value when there are at most
/// `pointsPerFloat` of them, else evenly spaced ones; categoricals take every choice. Conditional
/// parameters are expanded only under the parent values that activate them, so no point is
/// repeated. Trial n evaluates point n of the order, so concurrent workers never collide; the
/// study stops (`optimize`) once every point has been evaluated.
public struct GridSampler: FiniteSampler {
    /// Every point of the grid, in evaluation order.
    public let points: [[String: ParamValue]]
    public let seed: UInt64

    /// A grid over a declarative space.
    public init(space: SearchSpace, pointsPerFloat: Int = 10, seed: UInt64 = 0) throws {
        guard pointsPerFloat >= 2 else { throw StudyError.invalidArgument("a grid needs at least 2 points per float") }
        var points: [[String: ParamValue]] = [[:]]
        for spec in space.parameters {
            let values = Self.gridValues(spec.distribution, count: pointsPerFloat)
            points = points.flatMap { point -> [[String: ParamValue]] in
                guard space.isActive(spec, given: point) else { return [point] }
                return values.map { value in point.merging([spec.name: value]) { $1 } }
            }
        }
        self.init(orderedPoints: points, seed: seed)
    }

    /// A grid from explicit value lists (every combination), like `{"lr": [0.1, 0.01], "depth": [2, 3]}`.
    public init(values: [String: [ParamValue]], seed: UInt64 = 0) throws {
        var points: [[String: ParamValue]] = [[:]]
        for name in values.keys.sorted() {
            let list = values[name]!
            guard !list.isEmpty else { throw StudyError.invalidArgument("grid values of '\(name)' are empty") }
            points = points.flatMap { point in list.map { point.merging([name: $0]) { $1 } } }
        }
        self.init(orderedPoints: points, seed: seed)
    }

    private init(orderedPoints: [[String: ParamValue]], seed: UInt64) {
        var generator = SeededGenerator(seeds: [seed, stableHash("grid-order")])
        var order = orderedPoints
        order.shuffle(using: &generator)
        self.points = order
        self.seed = seed
    }

    public func remainingCount(history: StudyHistory) -> Int {
        max(points.count - history.trials.count, 0)
    }

    public func sampleIndependent(history: StudyHistory, trial: FrozenTrial, name: String, distribution: Distribution) -> ParamValue {
        let point = points[trial.number % points.count]
        if let value = point[name], let raw = distribution.internalValue(of: value) {
            return distribution.externalValue(raw)
        }
        // A parameter the grid does not cover (or a value outside its distribution): sample it at random.
        return RandomSampler(seed: seed).sampleIndependent(history: history, trial: trial, name: name, distribution: distribution)
    }

    /// The values a distribution contributes to the grid.
    static func gridValues(_ distribution: Distribution, count: Int) -> [ParamValue] {
        switch distribution {
        case .categorical(let d):
            return d.choices
        case .int(let d):
            let size = (d.high - d.low) / d.step + 1
            if size <= count { return stride(from: d.low, through: d.high, by: d.step).map(ParamValue.int) }
            return unique(evenlySpaced(count, log: d.log, low: Double(d.low), high: Double(d.high)).map(distribution.externalValue))
        case .float(let d):
            if let step = d.step, (d.high - d.low) / step + 1 <= Double(count) + 1e-9 {
                let size = Int(((d.high - d.low) / step).rounded()) + 1
                return (0..<size).map { distribution.externalValue(d.low + Double($0) * step) }
            }
            return unique(evenlySpaced(count, log: d.log, low: d.low, high: d.high).map(distribution.externalValue))
        }
    }

    private static func evenlySpaced(_ count: Int, log: Bool, low: Double, high: Double) -> [Double] {
        (0..<count).map { i in
            let t = Double(i) / Double(count - 1)
            return log ? Foundation.exp(Foundation.log(low) + t * (Foundation.log(high) - Foundation.log(low)))
                       : low + t * (high - low)
        }
    }

    private static func unique(_ values: [ParamValue]) -> [ParamValue] {
        var result: [ParamValue] = []
        for value in values where !result.contains(value) { result.append(value) }
        return result
    }
}
