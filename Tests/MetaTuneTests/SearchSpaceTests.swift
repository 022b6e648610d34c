import XCTest
@testable import MetaTune

final class SearchSpaceTests: XCTestCase {
    private let optimizer = ParameterSpec(name: "optimizer",
                                          distribution: .categorical(try! CategoricalDistribution(choices: ["sgd", "adam"])))
    private let momentum = ParameterSpec(name: "momentum", distribution: .float(try! FloatDistribution(low: 0, high: 0.99)),
                                         condition: Condition(parent: "optimizer", values: ["sgd"]))

    func testDuplicateNamesAreRejected() {
        XCTAssertThrowsError(try SearchSpace([optimizer, optimizer])) { error in
            XCTAssertEqual(error as? SearchSpaceError, .duplicateName(name: "optimizer"))
        }
    }

    func testConditionMustNameAKnownEarlierCategoricalParent() throws {
        XCTAssertThrowsError(try SearchSpace([momentum])) { error in
            XCTAssertEqual(error as? SearchSpaceError, .unknownParent(name: "momentum", parent: "optimizer"))
        }
        XCTAssertThrowsError(try SearchSpace([momentum, optimizer])) { error in
            XCTAssertEqual(error as? SearchSpaceError, .parentDeclaredLater(name: "momentum", parent: "optimizer"))
        }
        let numericParent = ParameterSpec(name: "optimizer", distribution: .float(try FloatDistribution(low: 0, high: 1)))
        XCTAssertThrowsError(try SearchSpace([numericParent, momentum])) { error in
            XCTAssertEqual(error as? SearchSpaceError, .parentNotCategorical(name: "momentum", parent: "optimizer"))
        }
        let badValue = ParameterSpec(name: "momentum", distribution: momentum.distribution,
                                     condition: Condition(parent: "optimizer", values: ["rmsprop"]))
        XCTAssertThrowsError(try SearchSpace([optimizer, badValue])) { error in
            XCTAssertEqual(error as? SearchSpaceError,
                           .conditionValueNotAChoice(name: "momentum", parent: "optimizer", value: "rmsprop"))
        }
        XCTAssertNoThrow(try SearchSpace([optimizer, momentum]))
    }

    func testActivityFollowsTheParentValue() throws {
        let space = try SearchSpace([optimizer, momentum])
        XCTAssertTrue(space.isActive(momentum, given: ["optimizer": "sgd"]))
        XCTAssertFalse(space.isActive(momentum, given: ["optimizer": "adam"]))
        XCTAssertFalse(space.isActive(momentum, given: [:]))
    }

    func testNamesMustBePlaceholderSafe() {
        let bad = ParameterSpec(name: "l r", distribution: momentum.distribution)
        XCTAssertThrowsError(try SearchSpace([bad])) { error in
            XCTAssertEqual(error as? SearchSpaceError, .invalidName(name: "l r"))
        }
    }
}
