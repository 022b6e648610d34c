import XCTest
import MetaTuneNumerics
@testable import MetaTune

final class GaussianProcessTests: XCTestCase {
    /// Two observations in 1-D, worked by hand: k(0, 1) with r = 1 is (1 + √5 + 5/3)e^{−√5};
    /// K = [[1.01, k], [k, 1.01]] is inverted in closed form, and at x = 0.25
    /// mean = k*ᵀK⁻¹y and variance = 1 − k*ᵀK⁻¹k* (values from that arithmetic).
    func testPosteriorMeanAndVarianceMatchAHandComputedCase() throws {
        let kernel = MaternKernel(inverseSquaredLengthscales: [1], signalVariance: 1, noiseVariance: 0.01)
        XCTAssertEqual(kernel([0], [1]), 0.5239941088318203, accuracy: 1e-12)
        XCTAssertEqual(kernel([0.25], [0]), 0.950959921678633, accuracy: 1e-12)
        let gp = try XCTUnwrap(GaussianProcess(inputs: [[0], [1]], targets: [1, -1], kernel: kernel))
        let (mean, variance) = gp.predict([[0.25]])
        XCTAssertEqual(mean[0], 0.566478980323107, accuracy: 1e-10)
        XCTAssertEqual(variance[0], 0.0596143329893698, accuracy: 1e-10)
        // Far from the data the posterior returns to the prior.
        let far = gp.predict([[40]])
        XCTAssertEqual(far.mean[0], 0, accuracy: 1e-9)
        XCTAssertEqual(far.variance[0], 1, accuracy: 1e-9)
    }

    func testCategoricalCoordinatesCompareForEqualityOnly() {
        let kernel = MaternKernel(inverseSquaredLengthscales: [1, 4], signalVariance: 2, noiseVariance: 0,
                                  categorical: [false, true])
        // Choices 0 and 2 are as different as 0 and 1: r² = 4 · 1.
        XCTAssertEqual(kernel([0.5, 0], [0.5, 2]), kernel([0.5, 0], [0.5, 1]), accuracy: 1e-15)
        XCTAssertEqual(kernel([0.5, 1], [0.5, 1]), 2, accuracy: 1e-15)
        XCTAssertEqual(kernel([0.5, 0], [0.5, 1]), 2 * MaternKernel.correlation(squaredDistance: 4), accuracy: 1e-15)
    }

    func testPredictionGradientsMatchFiniteDifferences() throws {
        var generator = SeededGenerator(seeds: [3])
        let inputs = (0..<12).map { _ in [generator.nextUniform(), generator.nextUniform(), Double(generator.nextIndex(below: 3))] }
        let targets = inputs.map { sin(6 * $0[0]) + $0[1] * $0[1] + $0[2] * 0.3 }
        let kernel = MaternKernel(inverseSquaredLengthscales: [8, 3, 0.5], signalVariance: 1.3, noiseVariance: 1e-4,
                                  categorical: [false, false, true])
        let gp = try XCTUnwrap(GaussianProcess(inputs: inputs, targets: targets, kernel: kernel))
        let x = [0.37, 0.61, 1.0]
        let p = gp.predictWithGradient(x)
        let batch = gp.predict([x])
        XCTAssertEqual(p.mean, batch.mean[0], accuracy: 1e-10)
        XCTAssertEqual(p.variance, batch.variance[0], accuracy: 1e-10)
        let h = 1e-6
        for j in 0..<2 {
            var plus = x, minus = x
            plus[j] += h
            minus[j] -= h
            let up = gp.predict([plus]), down = gp.predict([minus])
            XCTAssertEqual(p.meanGradient[j], (up.mean[0] - down.mean[0]) / (2 * h), accuracy: 1e-5)
            XCTAssertEqual(p.varianceGradient[j], (up.variance[0] - down.variance[0]) / (2 * h), accuracy: 1e-5)
        }
        XCTAssertEqual(p.meanGradient[2], 0)
    }

    func testMarginalLikelihoodGradientMatchesFiniteDifferences() {
        var generator = SeededGenerator(seeds: [5])
        let inputs = (0..<15).map { _ in [generator.nextUniform(), Double(generator.nextIndex(below: 2))] }
        let targets = inputs.map { cos(5 * $0[0]) + $0[1] }
        var prior = KernelPrior()
        prior.noiseFloor = 1e-6
        let objective = NegativeLogPosterior(inputs: inputs, targets: targets, categorical: [false, true], prior: prior)
        let theta = [1.7, -0.4, 0.3, -5.0]
        let (_, gradient) = objective.valueAndGradient(at: theta)
        let h = 1e-5
        for k in theta.indices {
            var plus = theta, minus = theta
            plus[k] += h
            minus[k] -= h
            let numeric = (objective.value(at: plus) - objective.value(at: minus)) / (2 * h)
            XCTAssertEqual(gradient[k], numeric, accuracy: 1e-4 * max(1, abs(numeric)), "component \(k)")
        }
    }

    /// Draws a function from a GP with length scales (0.15, 0.8) at 120 random points and checks
    /// that maximising the marginal likelihood finds both length scales again.
    func testKernelFitRecoversTheLengthScalesOfADrawFromAKnownGP() throws {
        var recoveredShort: [Double] = []
        var recoveredLong: [Double] = []
        for seed in 0..<3 {
            var generator = SeededGenerator(seeds: [UInt64(seed), 11])
            let n = 120
            let inputs = (0..<n).map { _ in [generator.nextUniform(), generator.nextUniform()] }
            let truth = MaternKernel(inverseSquaredLengthscales: [1 / (0.15 * 0.15), 1 / (0.8 * 0.8)],
                                     signalVariance: 1, noiseVariance: 1e-4)
            var covariance = [Double](repeating: 0, count: n * n)
            for a in 0..<n { for b in 0..<n { covariance[a * n + b] = truth(inputs[a], inputs[b]) + (a == b ? 1e-4 : 0) } }
            let factor = try XCTUnwrap(Cholesky(symmetric: covariance, n: n))
            let z = (0..<n).map { _ in generator.nextStandardNormal() }
            let draw = (0..<n).map { a in (0...a).reduce(0.0) { $0 + factor.lower[a * n + $1] * z[$1] } }
            let mean = draw.reduce(0, +) / Double(n)
            let sd = (draw.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
            let fitted = KernelFit.fit(inputs: inputs, targets: draw.map { ($0 - mean) / sd }, categorical: [false, false],
                                       using: &generator)
            recoveredShort.append(1 / fitted.inverseSquaredLengthscales[0].squareRoot())
            recoveredLong.append(1 / fitted.inverseSquaredLengthscales[1].squareRoot())
        }
        let short = Statistics.median(recoveredShort)!, long = Statistics.median(recoveredLong)!
        XCTAssertEqual(short, 0.15, accuracy: 0.05, "short length scale: \(recoveredShort)")
        XCTAssertGreaterThan(long, 0.45, "long length scale: \(recoveredLong)")
        XCTAssertLessThan(long, 1.6, "long length scale: \(recoveredLong)")
    }

    func testLogExpectedImprovementIsAccurateAndSmoothAcrossTheTailSwitch() {
        // Moderate z: against the plain formula.
        for z in [-3.0, -1.0, 0.0, 0.7, 2.5] {
            let direct = log(z * Normal.cdf(z) + exp(Normal.logInverseSqrt2Pi - 0.5 * z * z))
            XCTAssertEqual(Acquisition.logImprovementFactor(z).logH, direct, accuracy: 1e-9)
        }
        // The far tail: h(z) ≈ φ(z)/z², continuous across z = −5, and finite where EI underflows.
        let below = Acquisition.logImprovementFactor(-5 - 1e-10), above = Acquisition.logImprovementFactor(-5 + 1e-10)
        XCTAssertEqual(below.logH, above.logH, accuracy: 1e-8)
        XCTAssertEqual(below.cdfRatio, above.cdfRatio, accuracy: 1e-7)
        let far = Acquisition.logImprovementFactor(-60)
        XCTAssertTrue(far.logH.isFinite)
        XCTAssertEqual(far.logH, Normal.logInverseSqrt2Pi - 1800 - 2 * log(60.0), accuracy: 1e-3)
    }

    func testAcquisitionDerivativesMatchFiniteDifferences() {
        for acquisition in [Acquisition.logExpectedImprovement, .logProbabilityOfImprovement, .upperConfidenceBound(beta: 2)] {
            for (mu, sigma) in [(0.3, 0.5), (2.0, 0.2), (-0.1, 1.3)] {
                let a = acquisition.evaluate(mean: mu, sd: sigma, best: 0)
                let h = 1e-6
                let dMean = (acquisition.evaluate(mean: mu + h, sd: sigma, best: 0).value
                    - acquisition.evaluate(mean: mu - h, sd: sigma, best: 0).value) / (2 * h)
                let dSD = (acquisition.evaluate(mean: mu, sd: sigma + h, best: 0).value
                    - acquisition.evaluate(mean: mu, sd: sigma - h, best: 0).value) / (2 * h)
                XCTAssertEqual(a.dMean, dMean, accuracy: 1e-5 * max(1, abs(dMean)), "\(acquisition) μ=\(mu) σ=\(sigma)")
                XCTAssertEqual(a.dSD, dSD, accuracy: 1e-5 * max(1, abs(dSD)), "\(acquisition) μ=\(mu) σ=\(sigma)")
            }
        }
    }
}
