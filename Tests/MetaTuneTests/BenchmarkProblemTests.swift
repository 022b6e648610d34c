import Foundation
import XCTest
@testable import MetaTune

final class BenchmarkProblemTests: XCTestCase {
    private struct Spec: Decodable {
        struct Problem: Decodable {
            struct Vector: Decodable {
                let x: [String: ParamValue]
                let f: Double
            }
            struct Param: Decodable {
                let name: String
                let type: String
                let low: Double?
                let high: Double?
                let log: Bool
                let choices: [String]?
            }
            let name: String
            let f_star: Double
            let params: [Param]
            let test_vectors: [Vector]
        }
        let problems: [Problem]
    }

    private func loadSpec() throws -> Spec {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "problems", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(Spec.self, from: Data(contentsOf: url))
    }

    func testEveryProblemMatchesItsTestVectors() throws {
        let spec = try loadSpec()
        XCTAssertEqual(spec.problems.map(\.name), BenchmarkProblem.all.map(\.name))
        var checked = 0
        for problem in spec.problems {
            let port = try XCTUnwrap(BenchmarkProblem.named(problem.name))
            XCTAssertEqual(port.optimum, problem.f_star, "\(problem.name) optimum")
            for vector in problem.test_vectors {
                XCTAssertEqual(port.evaluate(vector.x), vector.f, accuracy: 1e-9, "\(problem.name) at \(vector.x)")
                checked += 1
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 69, "every test vector of problems.json is checked")
    }

    func testSpacesMatchTheSpecification() throws {
        for problem in try loadSpec().problems {
            let port = try XCTUnwrap(BenchmarkProblem.named(problem.name))
            XCTAssertEqual(port.space.parameters.map(\.name), problem.params.map(\.name))
            for (spec, param) in zip(port.space.parameters, problem.params) {
                switch (spec.distribution, param.type) {
                case (.float(let d), "float"):
                    XCTAssertEqual([d.low, d.high], [param.low!, param.high!])
                    XCTAssertEqual(d.log, param.log)
                case (.int(let d), "int"):
                    XCTAssertEqual([Double(d.low), Double(d.high)], [param.low!, param.high!])
                    XCTAssertEqual(d.log, param.log)
                case (.categorical(let d), "categorical"):
                    XCTAssertEqual(d.choices, param.choices!.map(ParamValue.string))
                default:
                    XCTFail("\(problem.name).\(param.name): type mismatch")
                }
            }
        }
    }

    func testBenchmarkResultJSONHasTheDocumentedShape() throws {
        let result = try BenchmarkRunner.run(problem: .branin, samplerName: "random", trials: 30, seeds: 2)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.json.utf8)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["problem", "sampler", "trials", "seeds", "optimum", "best_so_far",
                                          "median_log10_regret", "mean_ask_ms", "last_ask_ms"])
        let curves = try XCTUnwrap(object["best_so_far"] as? [[Double]])
        XCTAssertEqual(curves.count, 2)
        XCTAssertTrue(curves.allSatisfy { $0.count == 30 && zip($0, $0.dropFirst()).allSatisfy { $0 >= $1 } })
        let regret = try XCTUnwrap(object["median_log10_regret"] as? [String: Double])
        XCTAssertEqual(Set(regret.keys), ["25"], "only checkpoints up to the trial count")
        let expected = [curves[0][24], curves[1][24]].map { log10(max(0, $0 - result.optimum) + 1e-12) }
        XCTAssertEqual(regret["25"]!, (expected[0] + expected[1]) / 2, accuracy: 1e-12)
    }
}
