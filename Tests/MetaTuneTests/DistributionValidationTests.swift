import XCTest
@testable import MetaTune

final class DistributionValidationTests: XCTestCase {
    func testInvertedRangesAreRefusedAndAFixedOneIsAConstant() throws {
        XCTAssertThrowsError(try FloatDistribution(low: 2, high: 1, name: "x")) { error in
            XCTAssertEqual(error as? SearchSpaceError, .emptyRange(name: "x", low: "2", high: "1"))
        }
        XCTAssertThrowsError(try IntDistribution(low: 6, high: 5, name: "n"))
        XCTAssertEqual(Distribution.float(try FloatDistribution(low: 1, high: 1, name: "x")).singleValue, .float(1))
        XCTAssertEqual(Distribution.float(try FloatDistribution(low: 0.1, high: 0.1, log: true, name: "x")).singleValue, .float(0.1))
        XCTAssertEqual(Distribution.int(try IntDistribution(low: 5, high: 5, name: "n")).singleValue, .int(5))
        XCTAssertEqual(Distribution.categorical(try CategoricalDistribution(choices: ["only"])).singleValue, .string("only"))
        XCTAssertNil(Distribution.int(try IntDistribution(low: 5, high: 6, name: "n")).singleValue)
        let constant = Distribution.float(try FloatDistribution(low: 3, high: 3, name: "x"))
        XCTAssertEqual(constant.internalValue(fromUnit: 0.7), 3)
        XCTAssertEqual(constant.unit(ofInternal: 3), 0.5)
    }

    /// Issue 16, finding 5: a range whose width is not a finite number (or overflows an Int) is refused.
    func testARangeTooWideToSampleIsRefused() {
        XCTAssertThrowsError(try FloatDistribution(low: -1e308, high: 1e308, name: "x")) { error in
            XCTAssertEqual(error as? SearchSpaceError, .rangeTooWide(name: "x", low: "-1e+308", high: "1e+308"))
        }
        XCTAssertThrowsError(try IntDistribution(low: Int.min, high: Int.max, name: "n"))
        XCTAssertThrowsError(try IntDistribution(low: -1, high: Int.max, name: "n"))
        XCTAssertNoThrow(try FloatDistribution(low: -1e300, high: 1e300, name: "x"))
    }

    func testLogNeedsPositiveLow() {
        XCTAssertThrowsError(try FloatDistribution(low: 0, high: 1, log: true, name: "lr")) { error in
            XCTAssertEqual(error as? SearchSpaceError, .logWithNonPositiveLow(name: "lr", low: "0"))
            XCTAssertTrue("\(error)".contains("'lr'"))
        }
        XCTAssertThrowsError(try IntDistribution(low: 0, high: 10, log: true, name: "n"))
        XCTAssertNoThrow(try FloatDistribution(low: 1e-5, high: 1, log: true))
    }

    func testStepMustDivideRange() {
        XCTAssertThrowsError(try FloatDistribution(low: 0, high: 1, step: 0.3, name: "d")) { error in
            XCTAssertEqual(error as? SearchSpaceError, .stepDoesNotDivideRange(name: "d", step: "0.3", low: "0", high: "1"))
        }
        XCTAssertNoThrow(try FloatDistribution(low: 0, high: 1, step: 0.25))
        XCTAssertNoThrow(try FloatDistribution(low: 0, high: 0.5, step: 0.1))  // 0.5/0.1 is 4.999… in binary
        XCTAssertThrowsError(try IntDistribution(low: 0, high: 10, step: 3, name: "n"))
        XCTAssertNoThrow(try IntDistribution(low: 0, high: 9, step: 3))
        XCTAssertThrowsError(try FloatDistribution(low: 0, high: 1, step: 0))
        XCTAssertThrowsError(try FloatDistribution(low: 0, high: 1, step: -0.5))
        XCTAssertThrowsError(try IntDistribution(low: 0, high: 10, step: 0))
    }

    func testLogAndStepDoNotMix() {
        XCTAssertThrowsError(try FloatDistribution(low: 1, high: 2, log: true, step: 0.5, name: "x")) { error in
            XCTAssertEqual(error as? SearchSpaceError, .logWithStep(name: "x"))
        }
        XCTAssertThrowsError(try IntDistribution(low: 1, high: 9, log: true, step: 2))
    }

    func testNonFiniteBoundsAreRejected() {
        XCTAssertThrowsError(try FloatDistribution(low: -.infinity, high: 1))
        XCTAssertThrowsError(try FloatDistribution(low: 0, high: .nan))
    }

    func testCategoricalNeedsDistinctChoices() {
        XCTAssertThrowsError(try CategoricalDistribution(choices: [], name: "opt")) { error in
            XCTAssertEqual(error as? SearchSpaceError, .emptyChoices(name: "opt"))
        }
        XCTAssertThrowsError(try CategoricalDistribution(choices: ["a", "a"], name: "opt"))
        XCTAssertThrowsError(try CategoricalDistribution(choices: [1, 1.0], name: "opt"))
        XCTAssertNoThrow(try CategoricalDistribution(choices: ["a", 1, true, 2.5]))
    }

    func testInternalRepresentationRoundTrips() throws {
        let float = Distribution.float(try FloatDistribution(low: 0, high: 1, step: 0.25))
        XCTAssertEqual(float.internalValue(of: .float(0.5)), 0.5)
        XCTAssertNil(float.internalValue(of: .float(0.3)), "off the step grid")
        XCTAssertNil(float.internalValue(of: .float(1.5)), "out of bounds")
        XCTAssertEqual(float.externalValue(0.3), .float(0.25), "snapped onto the grid")
        let int = Distribution.int(try IntDistribution(low: 2, high: 10, step: 2))
        XCTAssertEqual(int.externalValue(7.2), .int(8))
        XCTAssertEqual(int.externalValue(100), .int(10), "clamped")
        XCTAssertNil(int.internalValue(of: .int(3)))
        let categorical = Distribution.categorical(try CategoricalDistribution(choices: ["sgd", "adam", 3]))
        XCTAssertEqual(categorical.internalValue(of: "adam"), 1)
        XCTAssertEqual(categorical.internalValue(of: .float(3)), 2, "numeric choices match numerically")
        XCTAssertEqual(categorical.externalValue(0), "sgd")
        XCTAssertNil(categorical.internalValue(of: "rmsprop"))
    }

    func testAFloatDistributionRoundTripsThroughJSONAndIsCheckedWhenDecoded() throws {
        let stepped = try FloatDistribution(low: 0, high: 1, step: 0.1)
        let data = try JSONEncoder().encode(stepped)
        XCTAssertEqual(try JSONDecoder().decode(FloatDistribution.self, from: data), stepped)
        XCTAssertEqual(try JSONDecoder().decode(FloatDistribution.self, from: data).onGrid(0.31), 0.3)
        let inverted = Data(#"{"low": 2, "high": 1, "log": false}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(FloatDistribution.self, from: inverted))
    }
}
