import XCTest
@testable import MetaTune

final class SearchSpaceFileTests: XCTestCase {
    func testParsesEveryTypeAndConditionFromYAML() throws {
        let space = try SearchSpaceFile.parse("""
        lr: {type: float, low: 1e-5, high: 0.1, log: true}
        batch_size: {type: int, low: 16, high: 512, log: true}
        dropout: {type: float, low: 0.0, high: 0.5, step: 0.1}
        optimizer: {type: categorical, choices: [sgd, adam, 3, true, "4"]}
        momentum: {type: float, low: 0, high: 0.99, when: {optimizer: [sgd, 3]}}
        """)
        XCTAssertEqual(space.parameters.map(\.name), ["lr", "batch_size", "dropout", "optimizer", "momentum"])
        XCTAssertEqual(space["lr"]?.distribution, .float(try FloatDistribution(low: 1e-5, high: 0.1, log: true)))
        XCTAssertEqual(space["batch_size"]?.distribution, .int(try IntDistribution(low: 16, high: 512, log: true)))
        XCTAssertEqual(space["dropout"]?.distribution, .float(try FloatDistribution(low: 0, high: 0.5, step: 0.1)))
        XCTAssertEqual(space["optimizer"]?.distribution,
                       .categorical(try CategoricalDistribution(choices: ["sgd", "adam", 3, true, .string("4")])))
        XCTAssertEqual(space["momentum"]?.condition, Condition(parent: "optimizer", values: ["sgd", 3]))
    }

    func testParsesJSONAndAParametersWrapper() throws {
        let space = try SearchSpaceFile.parse("""
        {"parameters": {"x": {"type": "float", "low": -1, "high": 1}, "n": {"type": "int", "low": 1, "high": 4}}}
        """)
        XCTAssertEqual(space.parameters.map(\.name), ["x", "n"])
    }

    func testErrorsNameFileLineAndParameter() {
        assertError("""
        lr: {type: float, low: 1e-5, high: 0.1, log: true}
        depth: {type: int, low: 5, high: 2}
        """, contains: ["space.yaml:2", "'depth'", "low (5) must not be greater than high (2)"])
        assertError("x: {type: float, low: 0, high: 1, log: true}", contains: ["'x'", "log scale needs low > 0"])
        assertError("x: {type: floaty, low: 0, high: 1}", contains: ["'x'", "unknown type 'floaty'"])
        assertError("x: {type: float, low: zero, high: 1}", contains: ["'x'", "'low' must be a number"])
        assertError("x: {type: float, high: 1}", contains: ["'x'", "missing 'low'"])
        assertError("x: {type: categorical, choices: []}", contains: ["'x'", "at least one choice"])
        assertError("x: {type: float, low: 0, high: 1, sptep: 0.1}", contains: ["'x'", "unknown key 'sptep'"])
        assertError("m: {type: float, low: 0, high: 1, when: {opt: sgd}}", contains: ["'m'", "unknown parent 'opt'"])
        assertError("x: {type: float, low: 0, high: 1, step: 0.3}", contains: ["'x'", "does not divide"])
        assertError("x: [1, 2", contains: ["space.yaml", "not valid YAML"])
        assertError("- just\n- a list\n", contains: ["expected a mapping"])
        assertError("", contains: ["expected a mapping"])
    }

    func testDuplicateKeysAreRejected() {
        assertError("x: {type: float, low: 0, high: 1}\nx: {type: int, low: 0, high: 3}\n", contains: ["'x'"])
    }

    func testMissingFileIsAClearError() {
        XCTAssertThrowsError(try SearchSpaceFile.load(path: "/nonexistent/space.yaml")) { error in
            XCTAssertTrue("\(error)".contains("no such file"), "\(error)")
        }
    }

    private func assertError(_ text: String, contains parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SearchSpaceFile.parse(text, file: "space.yaml"), file: file, line: line) { error in
            let message = "\(error)"
            for part in parts {
                XCTAssertTrue(message.contains(part), "'\(message)' lacks '\(part)'", file: file, line: line)
            }
        }
    }
}
