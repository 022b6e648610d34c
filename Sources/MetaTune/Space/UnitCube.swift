import Foundation

/// The unit-interval coordinates of a parameter, shared by the samplers that search a box
/// (QMC, Gaussian process, CMA-ES, genetic algorithm, random forest).
///
/// Log parameters are mapped on the log scale. Every grid value of an integer or stepped float
/// (and every choice of a categorical) owns a cell of equal width, and is encoded as the centre of
/// its cell, so that `internalValue(fromUnit:)` of a uniform u gives each value equal probability
/// and `unit(ofInternal:)` followed by `internalValue(fromUnit:)` returns the value unchanged.
extension Distribution {
    /// Maps u ∈ [0, 1] onto the internal representation (snapped onto the grid, within bounds).
    public func internalValue(fromUnit u: Double) -> Double {
        let u = u.clamped(0, 1)
        switch self {
        case .float(let d):
            guard d.high > d.low else { return d.low }
            if d.log { return exp(log(d.low) + u * (log(d.high) - log(d.low))).clamped(d.low, d.high) }
            if let step = d.step {
                let count = ((d.high - d.low) / step).rounded() + 1
                return d.low + min((u * count).rounded(.down), count - 1) * step
            }
            return d.low + u * (d.high - d.low)
        case .int(let d):
            if d.log {
                let lo = log(Double(d.low) - 0.5), hi = log(Double(d.high) + 0.5)
                return exp(lo + u * (hi - lo)).rounded().clamped(Double(d.low), Double(d.high))
            }
            let count = Double((d.high - d.low) / d.step + 1)
            return Double(d.low) + min((u * count).rounded(.down), count - 1) * Double(d.step)
        case .categorical(let d):
            return min((u * Double(d.choices.count)).rounded(.down), Double(d.choices.count - 1))
        }
    }

    /// The unit-interval coordinate of an internal value (the centre of its cell on a grid).
    public func unit(ofInternal x: Double) -> Double {
        switch self {
        case .float(let d):
            guard d.high > d.low else { return 0.5 }  // a constant: the centre of its one cell
            if d.log { return ((log(x) - log(d.low)) / (log(d.high) - log(d.low))).clamped(0, 1) }
            if let step = d.step {
                let count = ((d.high - d.low) / step).rounded() + 1
                return ((((x - d.low) / step).rounded() + 0.5) / count).clamped(0, 1)
            }
            return ((x - d.low) / (d.high - d.low)).clamped(0, 1)
        case .int(let d):
            if d.log {
                let lo = log(Double(d.low) - 0.5), hi = log(Double(d.high) + 0.5)
                return ((log(x) - lo) / (hi - lo)).clamped(0, 1)
            }
            let count = Double((d.high - d.low) / d.step + 1)
            return ((((x - Double(d.low)) / Double(d.step)).rounded() + 0.5) / count).clamped(0, 1)
        case .categorical(let d):
            return ((x.rounded() + 0.5) / Double(d.choices.count)).clamped(0, 1)
        }
    }

    /// How many distinct values the parameter has on its unit interval, or nil for a continuous
    /// float.
    public var gridCount: Int? {
        switch self {
        case .float(let d):
            guard let step = d.step else { return nil }
            return Int(((d.high - d.low) / step).rounded()) + 1
        case .int(let d):
            return (d.high - d.low) / d.step + 1
        case .categorical(let d):
            return d.choices.count
        }
    }

    /// True for a categorical parameter.
    public var isCategorical: Bool {
        if case .categorical = self { return true }
        return false
    }
}

extension Double {
    /// The value limited to `low...high`.
    func clamped(_ low: Double, _ high: Double) -> Double { Swift.min(Swift.max(self, low), high) }
}
