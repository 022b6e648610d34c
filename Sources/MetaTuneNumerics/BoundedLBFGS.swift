import Foundation

/// Minimises a smooth function within a box by limited-memory BFGS with projection: the
/// quasi-Newton direction is computed over the coordinates not held at a bound, and each
/// backtracking (Armijo) line-search step is projected back into the box.
///
/// A simpler relative of L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995) that is enough for the
/// small, smooth problems of Bayesian optimisation: kernel hyperparameters and acquisition
/// functions.
public enum BoundedLBFGS {
    public struct Options: Sendable {
        /// The most iterations (each takes one gradient and at least one function evaluation).
        public var maxIterations = 100
        /// How many correction pairs approximate the inverse Hessian.
        public var memory = 8
        /// Stop when the largest projected-gradient component is below this.
        public var gradientTolerance = 1e-6
        /// Stop when an iteration improves f by less than this, relative to max(1, |f|).
        public var relativeTolerance = 1e-10

        public init() {}
    }

    /// The minimiser found, its value and the number of iterations taken.
    public struct Result: Sendable {
        public let x: [Double]
        public let value: Double
        public let iterations: Int
    }

    /// Minimises `function` (value and gradient) from `start` within `lower...upper` (per
    /// coordinate). Non-finite values count as worse than any finite one.
    public static func minimize(start: [Double], lower: [Double], upper: [Double], options: Options = Options(),
                                function: ([Double]) -> (value: Double, gradient: [Double])) -> Result {
        let dimension = start.count
        precondition(lower.count == dimension && upper.count == dimension, "BoundedLBFGS: bounds do not match the start")
        func project(_ x: [Double]) -> [Double] {
            var p = x
            for i in 0..<dimension { p[i] = min(max(p[i], lower[i]), upper[i]) }
            return p
        }
        var x = project(start)
        var (value, gradient) = function(x)
        guard value.isFinite else { return Result(x: x, value: value, iterations: 0) }
        var steps: [[Double]] = []
        var gradientChanges: [[Double]] = []
        var iteration = 0
        while iteration < options.maxIterations {
            iteration += 1
            // Coordinates at a bound with the gradient pushing outwards stay fixed.
            var free = [Bool](repeating: true, count: dimension)
            var largest = 0.0
            for i in 0..<dimension {
                if (x[i] <= lower[i] && gradient[i] > 0) || (x[i] >= upper[i] && gradient[i] < 0) {
                    free[i] = false
                } else {
                    largest = max(largest, abs(gradient[i]))
                }
            }
            if largest < options.gradientTolerance { break }
            var direction = twoLoopDirection(gradient: gradient, free: free, steps: steps, gradientChanges: gradientChanges)
            var slope = zip(direction, gradient).reduce(0) { $0 + $1.0 * $1.1 }
            if !(slope < 0) {
                steps.removeAll()
                gradientChanges.removeAll()
                direction = (0..<dimension).map { free[$0] ? -gradient[$0] : 0 }
                slope = -direction.reduce(0) { $0 + $1 * $1 }
            }
            // The first step of a fresh memory is scaled so that it moves at most one unit.
            var stepLength = steps.isEmpty ? min(1, 1 / max(largest, 1e-12)) : 1
            var accepted: (x: [Double], value: Double, gradient: [Double])?
            for _ in 0..<40 {
                var candidate = x
                for i in 0..<dimension { candidate[i] += stepLength * direction[i] }
                candidate = project(candidate)
                var decrease = 0.0
                for i in 0..<dimension { decrease += gradient[i] * (candidate[i] - x[i]) }
                let (candidateValue, candidateGradient) = function(candidate)
                if candidateValue.isFinite && candidateValue <= value + 1e-4 * min(decrease, 0) && candidate != x {
                    accepted = (candidate, candidateValue, candidateGradient)
                    break
                }
                stepLength *= 0.5
            }
            guard let next = accepted else { break }
            let improvement = value - next.value
            var step = [Double](repeating: 0, count: dimension)
            var change = [Double](repeating: 0, count: dimension)
            var curvature = 0.0
            for i in 0..<dimension {
                step[i] = next.x[i] - x[i]
                change[i] = next.gradient[i] - gradient[i]
                curvature += step[i] * change[i]
            }
            if curvature > 1e-12 {
                steps.append(step)
                gradientChanges.append(change)
                if steps.count > options.memory {
                    steps.removeFirst()
                    gradientChanges.removeFirst()
                }
            }
            (x, value, gradient) = next
            if improvement <= options.relativeTolerance * max(1, abs(value)) { break }
        }
        return Result(x: x, value: value, iterations: iteration)
    }

    /// −H·g over the free coordinates, H the L-BFGS inverse-Hessian approximation.
    private static func twoLoopDirection(gradient: [Double], free: [Bool], steps: [[Double]],
                                         gradientChanges: [[Double]]) -> [Double] {
        let dimension = gradient.count
        func dot(_ a: [Double], _ b: [Double]) -> Double {
            var sum = 0.0
            for i in 0..<dimension where free[i] { sum += a[i] * b[i] }
            return sum
        }
        var q = (0..<dimension).map { free[$0] ? gradient[$0] : 0 }
        var alphas = [Double](repeating: 0, count: steps.count)
        var rhos = [Double](repeating: 0, count: steps.count)
        for k in stride(from: steps.count - 1, through: 0, by: -1) {
            let curvature = dot(steps[k], gradientChanges[k])
            rhos[k] = curvature > 1e-300 ? 1 / curvature : 0
            alphas[k] = rhos[k] * dot(steps[k], q)
            for i in 0..<dimension where free[i] { q[i] -= alphas[k] * gradientChanges[k][i] }
        }
        if let s = steps.last, let y = gradientChanges.last {
            let yy = dot(y, y)
            let scale = yy > 0 ? dot(s, y) / yy : 1
            if scale > 0 { for i in 0..<dimension { q[i] *= scale } }
        }
        for k in 0..<steps.count {
            let beta = rhos[k] * dot(gradientChanges[k], q)
            for i in 0..<dimension where free[i] { q[i] += steps[k][i] * (alphas[k] - beta) }
        }
        return q.map { -$0 }
    }
}
