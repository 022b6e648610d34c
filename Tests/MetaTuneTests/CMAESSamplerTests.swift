import XCTest
@testable import MetaTune
import MetaTuneNumerics

final class CMAESSamplerTests: XCTestCase {
    private func box(_ n: Int, _ low: Double, _ high: Double) -> SearchSpace {
        try! SearchSpace((0..<n).map {
            ParameterSpec(name: "x\($0)", distribution: .float(try! FloatDistribution(low: low, high: high)))
        })
    }

    private func vector(_ p: [String: ParamValue], _ n: Int) -> [Double] {
        (0..<n).map { p["x\($0)"]!.doubleValue! }
    }

    private func minimise(_ sampler: Sampler, space: SearchSpace, trials: Int,
                          _ f: ([String: ParamValue]) -> Double) throws -> Study {
        let study = try Study.create(name: "cma", sampler: sampler)
        for _ in 0..<trials {
            let trial = try study.ask(space: space)
            try study.tell(trial, value: f(trial.params))
        }
        return study
    }

    func testJacobiEigenSolverDecomposesASymmetricMatrix() {
        let a: [[Double]] = [[4, 1, -2, 0.5], [1, 3, 0, 1], [-2, 0, 5, 2], [0.5, 1, 2, 6]]
        let eigen = SymmetricEigen(a)
        for k in 0..<4 {
            let v = (0..<4).map { eigen.vectors[$0][k] }
            XCTAssertEqual(v.reduce(0) { $0 + $1 * $1 }, 1, accuracy: 1e-12)
            for i in 0..<4 {
                let av = (0..<4).reduce(0.0) { $0 + a[i][$1] * v[$1] }
                XCTAssertEqual(av, eigen.values[k] * v[i], accuracy: 1e-10)
            }
        }
        XCTAssertEqual(eigen.values.reduce(0, +), 18, accuracy: 1e-10)  // the trace
    }

    func testConvergesOnAFourDimensionalSphere() throws {
        let study = try minimise(CMAESSampler(seed: 3), space: box(4, -1, 2), trials: 600) { p in
            self.vector(p, 4).reduce(0) { $0 + ($1 - 0.7) * ($1 - 0.7) }
        }
        XCTAssertLessThan(try XCTUnwrap(try study.bestTrial?.value), 1e-6)
    }

    func testConvergesOnAFourDimensionalIllConditionedEllipsoid() throws {
        let study = try minimise(CMAESSampler(seed: 5), space: box(4, -5, 5), trials: 1200) { p in
            self.vector(p, 4).enumerated().reduce(0) { $0 + pow(1000, Double($1.offset) / 3) * ($1.element - 1) * ($1.element - 1) }
        }
        XCTAssertLessThan(try XCTUnwrap(try study.bestTrial?.value), 1e-6)
    }

    func testMaximisationClimbs() throws {
        let sampler = CMAESSampler(seed: 2)
        let study = try Study.create(name: "max", direction: .maximize, sampler: sampler)
        let space = box(2, 0, 1)
        for _ in 0..<150 {
            let trial = try study.ask(space: space)
            let x = vector(trial.params, 2)
            try study.tell(trial, value: -((x[0] - 0.2) * (x[0] - 0.2) + (x[1] - 0.9) * (x[1] - 0.9)))
        }
        XCTAssertGreaterThan(try XCTUnwrap(try study.bestTrial?.value), -1e-4)
    }

    func testRestartsWithADoubledPopulationWhenTheIntegerPopulationCollapses() throws {
        let space = try SearchSpace([
            ParameterSpec(name: "a", distribution: .int(try IntDistribution(low: 0, high: 4))),
            ParameterSpec(name: "b", distribution: .int(try IntDistribution(low: 0, high: 4))),
        ])
        let sampler = CMAESSampler(seed: 1)
        let study = try minimise(sampler, space: space, trials: 200) { p in
            pow(Double(p["a"]!.intValue! - 2), 2) + pow(Double(p["b"]!.intValue! - 3), 2)
        }
        let history = try study.history()
        let axes = ["a", "b"].map { SpaceAxis(name: $0, distribution: history.trials[0].distributions[$0]!) }
        let run = try XCTUnwrap(sampler.run(history: history, axes: axes))
        XCTAssertGreaterThanOrEqual(run.restarts, 1)
        XCTAssertEqual(run.state.lambda, CMAState.defaultLambda(dimension: 2) << run.restarts)
        XCTAssertEqual(try study.bestTrial?.value, 0)
    }

    func testRestartsWhenTheLossesStayFlat() throws {
        let space = box(2, 0, 1)
        let sampler = CMAESSampler(seed: 9)
        let lambda = CMAState.defaultLambda(dimension: 2)
        // Flat losses for 10 + ⌈30·2/λ⌉ generations trigger the first restart.
        let generations = 10 + Int((60 / Double(lambda)).rounded(.up))
        let axes = space.parameters.map { SpaceAxis(name: $0.name, distribution: $0.distribution) }
        let before = try minimise(sampler, space: space, trials: 1 + lambda * generations - 1) { _ in 1 }
        XCTAssertEqual(try XCTUnwrap(sampler.run(history: try before.history(), axes: axes)).restarts, 0)
        let after = try minimise(sampler, space: space, trials: 1 + lambda * generations) { _ in 1 }
        let run = try XCTUnwrap(sampler.run(history: try after.history(), axes: axes))
        XCTAssertEqual(run.restarts, 1)
        XCTAssertEqual(run.state.lambda, 2 * lambda)
    }

    func testReplayIsAPureFunctionOfTheHistory() throws {
        let space = box(3, 0, 1)
        let sampler = CMAESSampler(seed: 4)
        let study = try minimise(sampler, space: space, trials: 80) { p in
            self.vector(p, 3).reduce(0) { $0 + abs($1 - 0.25) }
        }
        let history = try study.history()
        let axes = (0..<3).map { SpaceAxis(name: "x\($0)", distribution: space.parameters[$0].distribution) }
        let memoised = try XCTUnwrap(sampler.run(history: history, axes: axes))
        let fresh = try XCTUnwrap(CMAESSampler(seed: 4).run(history: history, axes: axes))
        XCTAssertEqual(memoised.state.mean, fresh.state.mean)
        XCTAssertEqual(memoised.state.sigma, fresh.state.sigma)
        XCTAssertLessThan(memoised.state.sigma, sampler.options.sigma0, "80 trials should have narrowed the search")
    }

    func testTrialsFinishingOutOfOrderAndPrunedTrialsAreHandled() throws {
        let space = box(2, 0, 1)
        let study = try Study.create(name: "async", sampler: CMAESSampler(seed: 6))
        for round in 0..<30 {
            let trials = try (0..<3).map { _ in try study.ask(space: space) }
            for (k, trial) in trials.enumerated().reversed() {
                let x = vector(trial.params, 2)
                if k == 1 && round % 4 == 0 {
                    try study.tell(trial, state: .pruned)
                } else {
                    try study.tell(trial, value: (x[0] - 0.6) * (x[0] - 0.6) + (x[1] - 0.4) * (x[1] - 0.4))
                }
            }
        }
        XCTAssertLessThan(try XCTUnwrap(try study.bestTrial?.value), 1e-3)
    }

    func testCategoricalsAreLeftToTheIndependentSampler() throws {
        let space = try SearchSpace([
            ParameterSpec(name: "x", distribution: .float(try FloatDistribution(low: 0, high: 1))),
            ParameterSpec(name: "kind", distribution: .categorical(try CategoricalDistribution(choices: ["a", "b"]))),
        ])
        let sampler = CMAESSampler(seed: 0)
        let study = try minimise(sampler, space: space, trials: 3) { p in p["x"]!.doubleValue! }
        let history = try study.history()
        let relative = sampler.relativeSearchSpace(history: history, trial: history.trials[2])
        XCTAssertEqual(Array(relative.keys), ["x"])
    }
}
