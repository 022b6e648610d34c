import Foundation

/// How a joint search space becomes the Gaussian process's input: one coordinate per parameter,
/// in name order. Numeric parameters take their unit-interval coordinate (log scale for log
/// parameters; grid values at the centres of their cells); a categorical parameter takes its
/// choice index, which the kernel compares for equality only.
public struct GPFeatureSpace: Sendable {
    public struct Axis: Sendable {
        public let name: String
        public let distribution: Distribution
        /// Number of choices for a categorical, 0 otherwise.
        public let choiceCount: Int
    }

    public let axes: [Axis]

    public init(space: [String: Distribution]) {
        axes = space.keys.sorted().map { name in
            let distribution = space[name]!
            if case .categorical(let d) = distribution {
                return Axis(name: name, distribution: distribution, choiceCount: d.choices.count)
            }
            return Axis(name: name, distribution: distribution, choiceCount: 0)
        }
    }

    public var dimension: Int { axes.count }

    /// Which coordinates are categorical.
    public var categoricalMask: [Bool] { axes.map { $0.choiceCount > 0 } }

    /// The features of parameter values, or nil when one is missing or outside its distribution.
    public func features(of params: [String: ParamValue]) -> [Double]? {
        var x = [Double](repeating: 0, count: axes.count)
        for (j, axis) in axes.enumerated() {
            guard let value = params[axis.name], let raw = axis.distribution.internalValue(of: value) else { return nil }
            x[j] = axis.choiceCount > 0 ? raw.rounded() : axis.distribution.unit(ofInternal: raw)
        }
        return x
    }

    /// The features of a trial, or nil when it lacks one of the parameters (or holds a value
    /// outside the distribution).
    public func features(of trial: FrozenTrial) -> [Double]? {
        guard axes.allSatisfy({ trial.distributions[$0.name] == $0.distribution }) else { return nil }
        return features(of: trial.params)
    }

    /// The point moved onto the values the parameters can take: grid values of integer and
    /// stepped parameters, whole choice indices of categoricals, everything within bounds.
    public func snapped(_ x: [Double]) -> [Double] {
        var y = x
        for (j, axis) in axes.enumerated() {
            if axis.choiceCount > 0 {
                y[j] = min(max(x[j].rounded(), 0), Double(axis.choiceCount - 1))
            } else if axis.distribution.gridCount != nil {
                y[j] = axis.distribution.unit(ofInternal: axis.distribution.internalValue(fromUnit: x[j]))
            } else {
                y[j] = min(max(x[j], 0), 1)
            }
        }
        return y
    }

    /// The point drawn from unit-cube coordinates `u` (e.g. a Sobol point), already snapped.
    public func point(fromUnit u: [Double]) -> [Double] {
        var x = [Double](repeating: 0, count: axes.count)
        for (j, axis) in axes.enumerated() {
            x[j] = axis.choiceCount > 0 ? min((u[j] * Double(axis.choiceCount)).rounded(.down), Double(axis.choiceCount - 1)) : u[j]
        }
        return snapped(x)
    }

    /// The parameter values of a (snapped) point.
    public func values(of x: [Double]) -> [String: ParamValue] {
        var values: [String: ParamValue] = [:]
        for (j, axis) in axes.enumerated() {
            let raw = axis.choiceCount > 0 ? x[j] : axis.distribution.internalValue(fromUnit: x[j])
            values[axis.name] = axis.distribution.externalValue(raw)
        }
        return values
    }
}
