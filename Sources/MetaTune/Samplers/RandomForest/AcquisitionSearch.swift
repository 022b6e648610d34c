import Foundation
import MetaTuneNumerics

/// Maximises expected improvement under a random-forest surrogate over a box of unit-cube
/// coordinates (categoricals as their index), SMAC-style: the best of many random points, then a
/// local search from the most promising points that changes one coordinate at a time.
struct AcquisitionSearch {
    let forest: RandomForestRegressor
    let axes: [SpaceAxis]
    /// The best (transformed) loss observed: the level to improve on.
    let incumbent: Double

    /// E[max(incumbent − f(x), 0)] for f(x) ~ N(mean, variance) of the forest.
    func expectedImprovement(_ point: [Double]) -> Double {
        let (mean, variance) = forest.predict(point)
        let sd = variance.squareRoot()
        guard sd > 1e-12 else { return max(incumbent - mean, 0) }
        let z = (incumbent - mean) / sd
        return (incumbent - mean) * Normal.cdf(z) + sd * exp(-0.5 * z * z) / (2 * Double.pi).squareRoot()
    }

    /// The best point found from `candidates` random points and local searches started at the
    /// `starts` best of `seeds` (e.g. the best observed points) and of the random points.
    func maximise(seeds: [[Double]], candidates: Int, starts: Int, steps: Int, neighbourScale: Double,
                  using generator: inout SeededGenerator) -> [Double] {
        var scored = (0..<max(candidates, 1)).map { _ -> (point: [Double], score: Double) in
            let point = randomPoint(using: &generator)
            return (point, expectedImprovement(point))
        }
        scored.sort { $0.score > $1.score }
        var best = scored[0]
        let origins = seeds.prefix(max(starts / 2, 1)).map { ($0, expectedImprovement($0)) } + scored.prefix(starts)
        for origin in origins.prefix(max(starts, 1)) {
            var current = origin
            for _ in 0..<steps {
                var move: (point: [Double], score: Double)?
                for neighbour in neighbours(of: current.0, scale: neighbourScale, using: &generator) {
                    let score = expectedImprovement(neighbour)
                    if score > (move?.score ?? current.1) { move = (neighbour, score) }
                }
                guard let move else { break }
                current = move
            }
            if current.1 > best.score { best = current }
        }
        return best.point
    }

    /// A uniformly drawn point (each coordinate on its parameter's grid).
    private func randomPoint(using generator: inout SeededGenerator) -> [Double] {
        axes.map { snap(generator.nextUniform(), $0.distribution) }
    }

    /// The one-exchange neighbourhood: every other choice of each categorical, the adjacent grid
    /// values of each discrete parameter, and four Gaussian steps of each numeric one.
    private func neighbours(of point: [Double], scale: Double, using generator: inout SeededGenerator) -> [[Double]] {
        var result: [[Double]] = []
        for (i, axis) in axes.enumerated() {
            let distribution = axis.distribution
            var values: [Double] = []
            if case .categorical(let d) = distribution {
                values = (0..<d.choices.count).map(Double.init)
            } else {
                if let count = distribution.gridCount {
                    values += [point[i] - 1 / Double(count), point[i] + 1 / Double(count)].filter { $0 > 0 && $0 < 1 }
                }
                for _ in 0..<4 {
                    let u = point[i] + scale * generator.nextStandardNormal()
                    if u >= 0 && u <= 1 { values.append(u) }
                }
                values = values.map { snap($0, distribution) }
            }
            for value in Set(values).sorted() where value != point[i] {
                var neighbour = point
                neighbour[i] = value
                result.append(neighbour)
            }
        }
        return result
    }

    /// The forest's coordinate of a unit-interval position: the centre of its grid cell, or the
    /// category index.
    private func snap(_ u: Double, _ distribution: Distribution) -> Double {
        let raw = distribution.internalValue(fromUnit: u)
        return distribution.isCategorical ? raw : distribution.unit(ofInternal: raw)
    }
}
