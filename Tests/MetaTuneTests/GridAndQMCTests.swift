import XCTest
@testable import MetaTune

final class GridAndQMCTests: XCTestCase {
    func testGridCoversEveryPointOnceAndThenStops() throws {
        let space = try SearchSpaceFile.parse("""
        opt: {type: categorical, choices: [sgd, adam]}
        momentum: {type: float, low: 0, high: 0.9, step: 0.3, when: {opt: sgd}}
        depth: {type: int, low: 1, high: 3}
        """)
        let grid = try GridSampler(space: space, seed: 5)
        // sgd: 4 momenta × 3 depths = 12; adam: 3 depths → 15 distinct points.
        XCTAssertEqual(grid.points.count, 15)
        let study = try Study.create(name: "g", sampler: grid)
        try study.optimize { trial in
            _ = try trial.suggest(space: space)
            return 0
        }
        let trials = try study.trials
        XCTAssertEqual(trials.count, 15, "optimize stops when the grid is exhausted")
        XCTAssertEqual(Set(trials.map(\.params)).count, 15, "no point repeated")
        XCTAssertEqual(Set(trials.map(\.params)), Set(grid.points))
        XCTAssertTrue(trials.allSatisfy { ($0.params["opt"] == "sgd") == ($0.params["momentum"] != nil) })
    }

    func testGridFromExplicitValuesWithConcurrencyNeverRepeats() throws {
        let grid = try GridSampler(values: ["a": [1, 2, 3, 4], "b": ["x", "y", "z"]])
        let study = try Study.create(name: "g", sampler: grid)
        try study.optimize(concurrency: 3) { trial in
            _ = try trial.suggestInt("a", in: 1...4)
            _ = try trial.suggestCategorical("b", ["x", "y", "z"])
            return 0
        }
        let params = try study.trials.map(\.params)
        XCTAssertEqual(params.count, 12)
        XCTAssertEqual(Set(params).count, 12)
    }

    func testGridDiscretisesFloatsAndLogScales() throws {
        let values = GridSampler.gridValues(.float(try FloatDistribution(low: 1e-4, high: 1, log: true)), count: 5)
        XCTAssertEqual(values.compactMap(\.doubleValue).map { log10($0) }, [-4, -3, -2, -1, 0].map(Double.init),
                       accuracy: 1e-9)
        XCTAssertEqual(GridSampler.gridValues(.int(try IntDistribution(low: 1, high: 4)), count: 10), [1, 2, 3, 4])
    }

    func testQMCCoversTheSpaceMoreEvenlyThanRandom() throws {
        let space = try SearchSpaceFile.parse("x: {type: float, low: 0, high: 1}\ny: {type: float, low: 0, high: 1}")
        func maxGap(_ sampler: Sampler) throws -> Int {
            let study = try Study.create(name: "q", sampler: sampler)
            var counts = [Int](repeating: 0, count: 16)
            for _ in 0..<64 {
                let trial = try study.ask(space: space)
                let x = Int(trial.params["x"]!.doubleValue! * 4), y = Int(trial.params["y"]!.doubleValue! * 4)
                counts[min(x, 3) * 4 + min(y, 3)] += 1
                try study.tell(trial, value: 0)
            }
            return counts.max()! - counts.min()!
        }
        let qmc = try maxGap(QMCSampler(seed: 3, space: space))
        XCTAssertLessThanOrEqual(qmc, 1, "64 Sobol points put 4 in each of 16 cells")
        XCTAssertGreaterThan(try maxGap(RandomSampler(seed: 3)), qmc)
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
