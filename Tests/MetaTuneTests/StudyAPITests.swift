import XCTest
@testable import MetaTune

/// The Swift API a library user reaches for first, as Optuna's users know it.
final class StudyAPITests: XCTestCase {
    private func quadraticStudy(direction: StudyDirection = .minimize) throws -> Study {
        let study = try Study.create(name: "api", direction: direction, sampler: RandomSampler(seed: 3))
        for x in [3.0, -1.0, 0.5, 2.0] {
            try study.enqueue(["x": .float(x)])
        }
        try study.optimize(trials: 4) { trial in
            let x = try trial.suggestFloat("x", in: -5...5)
            return x * x
        }
        return study
    }

    func testBestParamsValueAndTrials() throws {
        let study = try quadraticStudy()
        XCTAssertEqual(try study.bestValue, 0.25)
        XCTAssertEqual(try study.bestParams, ["x": .float(0.5)])
        XCTAssertEqual(try study.bestTrials(3).map(\.value), [0.25, 1, 4])
        XCTAssertEqual(try study.bestTrials(10).count, 4)
        let maximising = try quadraticStudy(direction: .maximize)
        XCTAssertEqual(try maximising.bestTrials(2).map(\.value), [9, 4])
        let empty = try Study.create(name: "empty")
        XCTAssertNil(try empty.bestParams)
        XCTAssertNil(try empty.bestValue)
    }

    func testSuggestCategoricalReturnsTheChoicesOwnType() throws {
        let study = try Study.create(name: "types", sampler: RandomSampler(seed: 1))
        try study.optimize(trials: 8) { trial in
            let n: Int = try trial.suggestCategorical("n", [1, 2, 3])
            let rate: Double = try trial.suggestCategorical("rate", [0.1, 0.01])
            let flag: Bool = try trial.suggestCategorical("flag", [true, false])
            let name: String = try trial.suggestCategorical("name", ["a", "b"])
            XCTAssertTrue([1, 2, 3].contains(n))
            XCTAssertTrue([0.1, 0.01].contains(rate))
            XCTAssertTrue(["a", "b"].contains(name))
            return Double(n) + rate + (flag ? 1 : 0)
        }
        // Without an annotation, integer choices give an Int.
        let trial = try study.ask()
        let n = try trial.suggestCategorical("n", [1, 2, 3])
        XCTAssertTrue(type(of: n) == Int.self)
    }

    func testStepFloatsAreTheGridsDecimalValues() throws {
        let distribution = try FloatDistribution(low: 0, high: 1, step: 0.1)
        XCTAssertEqual(distribution.onGrid(0.3 + 1e-12), 0.3)
        XCTAssertEqual(distribution.onGrid(0.30000000000000004), 0.3)
        XCTAssertEqual(Distribution.float(distribution).externalValue(0.7), .float(0.7))
        for k in 0...10 {
            let value = Distribution.float(distribution).externalValue(Double(k) * 0.1).doubleValue
            XCTAssertEqual(value, Double(k) / 10, "grid point \(k)")
        }
        let offset = try FloatDistribution(low: 0.05, high: 0.95, step: 0.1)
        XCTAssertEqual(offset.onGrid(0.35000000000000003), 0.35)
        let tiny = try FloatDistribution(low: 0, high: 1e-6, step: 2.5e-7)
        XCTAssertEqual(tiny.onGrid(7.5e-7 + 1e-20), 7.5e-7)
        XCTAssertEqual(FloatDistribution.decimalPlaces(0.1), 1)
        XCTAssertEqual(FloatDistribution.decimalPlaces(2.5e-07), 8)
        XCTAssertEqual(FloatDistribution.decimalPlaces(300), 0)
        let study = try Study.create(name: "steps", sampler: RandomSampler(seed: 5))
        try study.optimize(trials: 30) { trial in
            let x = try trial.suggestFloat("x", low: 0, high: 1, step: 0.1)
            XCTAssertEqual(x, (x * 10).rounded() / 10, "\(x) is a decimal of the grid")
            return x
        }
    }

    func testASingleWorkerObjectiveMayChangeWhatItCaptures() throws {
        let study = try Study.create(name: "counter", sampler: RandomSampler(seed: 2))
        var calls = 0
        var seen: [Double] = []
        try study.optimize(trials: 5) { trial in
            calls += 1
            let x = try trial.suggestFloat("x", in: 0...1)
            seen.append(x)
            return x
        }
        XCTAssertEqual(calls, 5)
        XCTAssertEqual(seen.count, 5)
        XCTAssertEqual(try study.bestValue, seen.min())
    }

    func testAnAsyncObjective() async throws {
        let study = try Study.create(name: "async", sampler: RandomSampler(seed: 4))
        try await study.optimize(trials: 4) { trial in
            let x = try trial.suggestFloat("x", in: 0...1)
            try await Task.sleep(nanoseconds: 1_000_000)
            if trial.number == 2 { throw TrialPruned("pruned on purpose") }
            return x
        }
        XCTAssertEqual(try study.trials.map(\.state), [.complete, .complete, .pruned, .complete])
    }

    func testAttributesAndTheTrialsTable() throws {
        let study = try quadraticStudy()
        try study.setUserAttribute("owner", .string("ada"))
        XCTAssertEqual(try study.userAttributes, ["owner": .string("ada")])
        let trial = try study.ask()
        _ = try trial.suggestFloat("x", in: -5...5)
        try trial.report(0.5, step: 1)
        try trial.report(0.25, step: 2)
        try trial.setUserAttribute("note", .string("first try"))
        try study.tell(trial, state: .failed, reason: "went wrong, badly")
        let table = try study.trialsTable()
        XCTAssertEqual(table.parameterNames, ["x"])
        XCTAssertEqual(table.rows.map(\.number), [0, 1, 2, 3, 4])
        XCTAssertEqual(table.rows[4].intermediateValues, [1: 0.5, 2: 0.25])
        XCTAssertEqual(table.rows[4].state, .failed)
        XCTAssertNotNil(table.rows[0].startedAt)
        XCTAssertNotNil(table.rows[0].duration)
        let lines = table.csv().split(separator: "\n")
        XCTAssertEqual(lines.first, "number,state,value,duration_s,param_x,reason")
        XCTAssertTrue(lines[1].hasPrefix("0,complete,9.0,"), String(lines[1]))
        XCTAssertTrue(lines[5].hasSuffix(",\"went wrong, badly\""), String(lines[5]))        // The JSON export: the distribution, the curve, the reason, the user attributes.
        let export = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try study.exportJSON().utf8)) as? [String: Any])
        XCTAssertEqual(export["name"] as? String, study.name)
        let distribution = try XCTUnwrap((export["distributions"] as? [String: Any])?["x"] as? [String: Any])
        XCTAssertEqual(distribution["type"] as? String, "float")
        XCTAssertEqual(distribution["low"] as? Double, -5)
        let rows = try XCTUnwrap(export["trials"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 5)
        let failed = try XCTUnwrap(rows.first { $0["number"] as? Int == 4 })
        XCTAssertEqual(failed["state"] as? String, "failed")
        XCTAssertEqual(failed["reason"] as? String, "went wrong, badly")
        XCTAssertEqual(failed["intermediate_values"] as? [String: Double], ["1": 0.5, "2": 0.25])
        XCTAssertEqual((failed["user_attrs"] as? [String: Any])?["note"] as? String, "first try")
        XCTAssertNotNil((failed["params"] as? [String: Any])?["x"] as? Double)
    }
}
