import Foundation
import MetaTuneNumerics

/// Finds the point of the search space with the largest acquisition value: scores many
/// candidates at once (a scrambled Sobol design plus perturbations of the best observations at
/// several scales), polishes the most promising with bounded L-BFGS on the numeric coordinates,
/// moves the results onto the parameters' grids and choices, and finishes with a pass over the
/// neighbouring grid values and other choices of the best point.
struct AcquisitionOptimizer {
    let model: GaussianProcess
    let features: GPFeatureSpace
    let acquisition: Acquisition
    /// The incumbent (best standardised target) the acquisition improves on.
    let best: Double
    var sobolCandidates = 1024
    var perturbationsPerIncumbent = 64
    var localSearchStarts = 8
    /// A prior mean added to the model's (which then models residuals), for points in feature space.
    var meanOffset: (([[Double]]) -> [Double])?

    /// Acquisition values of many points.
    func scores(_ points: [[Double]]) -> [Double] {
        var (mean, variance) = model.predict(points)
        if let meanOffset {
            let offsets = meanOffset(points)
            for i in mean.indices { mean[i] += offsets[i] }
        }
        return (0..<points.count).map { acquisition.evaluate(mean: mean[$0], sd: variance[$0].squareRoot(), best: best).value }
    }

    /// The acquisition value and its gradient at one point.
    func valueAndGradient(_ x: [Double]) -> (value: Double, gradient: [Double]) {
        let p = model.predictWithGradient(x)
        let sd = p.variance.squareRoot()
        let offset = meanOffset?([x])[0] ?? 0
        let a = acquisition.evaluate(mean: p.mean + offset, sd: sd, best: best)
        let gradient = (0..<x.count).map { j in a.dMean * p.meanGradient[j] + a.dSD * p.varianceGradient[j] / (2 * sd) }
        return (a.value, gradient)
    }

    /// The best point found, snapped onto the space. `incumbents` are the best observed points,
    /// best first; `sobolSeed` scrambles the candidate design.
    func optimize(incumbents: [[Double]], sobolSeed: UInt64, using generator: inout SeededGenerator) -> [Double] {
        let d = features.dimension
        let categorical = features.categoricalMask
        var candidates: [[Double]] = []
        candidates.reserveCapacity(sobolCandidates + incumbents.count * perturbationsPerIncumbent)
        if var sobol = try? SobolSequence(dimension: d, scrambleSeed: sobolSeed) {
            for _ in 0..<sobolCandidates { candidates.append(features.point(fromUnit: sobol.next())) }
        }
        let scales = [0.2, 0.05, 0.01, 0.002]
        for incumbent in incumbents {
            for k in 0..<perturbationsPerIncumbent {
                let scale = scales[k % scales.count]
                var x = incumbent
                for j in 0..<d {
                    if categorical[j] {
                        if generator.nextUniform() < 1 / Double(d) {
                            x[j] = Double(generator.nextIndex(below: features.axes[j].choiceCount))
                        }
                    } else {
                        x[j] += scale * generator.nextStandardNormal()
                    }
                }
                candidates.append(features.snapped(x))
            }
        }
        let candidateScores = scores(candidates)
        let order = candidates.indices.sorted { candidateScores[$0] > candidateScores[$1] }
        var starts: [[Double]] = []
        for index in order where starts.count < localSearchStarts {
            if !starts.contains(candidates[index]) { starts.append(candidates[index]) }
        }
        var bestPoint = candidates[order[0]]
        var bestScore = candidateScores[order[0]]
        var options = BoundedLBFGS.Options()
        options.maxIterations = 50
        options.gradientTolerance = 1e-7
        for start in starts {
            // Categorical coordinates are held fixed by equal bounds.
            let lower = (0..<d).map { categorical[$0] ? start[$0] : 0 }
            let upper = (0..<d).map { categorical[$0] ? start[$0] : 1 }
            let result = BoundedLBFGS.minimize(start: start, lower: lower, upper: upper, options: options) { x in
                let (value, gradient) = valueAndGradient(x)
                return (-value, gradient.map { -$0 })
            }
            let snapped = features.snapped(result.x)
            let score = scores([snapped])[0]
            if score > bestScore {
                bestScore = score
                bestPoint = snapped
            }
        }
        return refineDiscrete(bestPoint, score: bestScore)
    }

    /// One pass of coordinate search over the other choices of each categorical and the
    /// neighbouring grid values of each discrete numeric parameter.
    private func refineDiscrete(_ start: [Double], score: Double) -> [Double] {
        var point = start
        var pointScore = score
        for (j, axis) in features.axes.enumerated() {
            var neighbours: [[Double]] = []
            if axis.choiceCount > 0 {
                for choice in 0..<axis.choiceCount where Double(choice) != point[j] {
                    var x = point
                    x[j] = Double(choice)
                    neighbours.append(x)
                }
            } else if let count = axis.distribution.gridCount {
                let width = 1 / Double(count)
                for offset in [-width, width] {
                    var x = point
                    x[j] += offset
                    x = features.snapped(x)
                    if x != point { neighbours.append(x) }
                }
            }
            guard !neighbours.isEmpty else { continue }
            let neighbourScores = scores(neighbours)
            for (x, s) in zip(neighbours, neighbourScores) where s > pointScore {
                point = x
                pointScore = s
            }
        }
        return point
    }
}
