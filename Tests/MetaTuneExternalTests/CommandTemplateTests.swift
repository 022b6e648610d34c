import XCTest
import MetaTune
@testable import MetaTuneExternal

final class CommandTemplateTests: XCTestCase {
    func testPlaceholdersAreReplacedInsideArguments() throws {
        let template = try CommandTemplate(arguments: ["train", "--lr={lr}", "{opt}", "run-{trial_number}", "{\"json\": 1}"],
                                           parameterNames: ["lr", "opt"])
        XCTAssertEqual(template.render(params: ["lr": .float(0.001), "opt": "adam"], trialNumber: 7),
                       ["train", "--lr=0.001", "adam", "run-7", "{\"json\": 1}"])
        XCTAssertEqual(template.render(params: ["lr": .float(0.5)], trialNumber: 0)[2], "", "inactive parameter → empty")
    }

    func testUnknownPlaceholdersAndMissingCommandsAreErrors() {
        XCTAssertThrowsError(try CommandTemplate(arguments: ["train", "--lr", "{learning_rate}"], parameterNames: ["lr"])) { error in
            XCTAssertTrue("\(error)".contains("{learning_rate}"), "\(error)")
        }
        XCTAssertThrowsError(try CommandTemplate(arguments: [], parameterNames: []))
    }

    func testEnvironmentNamesParametersSafely() {
        let environment = CommandTemplate.environment(params: ["lr": .float(0.1), "batch-size": .int(32), "opt": "sgd"], trialNumber: 3)
        XCTAssertEqual(environment, ["METATUNE_TRIAL": "3", "METATUNE_PARAM_LR": "0.1", "METATUNE_PARAM_BATCH_SIZE": "32",
                                     "METATUNE_PARAM_OPT": "sgd"])
    }

    func testOutputLinesAreClassified() {
        XCTAssertEqual(ObjectiveLine("{\"value\": 0.25}"), .value(0.25))
        XCTAssertEqual(ObjectiveLine("  {\"step\": 3, \"value\": 0.5}  "), .intermediate(step: 3, value: 0.5))
        XCTAssertEqual(ObjectiveLine("0.125"), .number(0.125))
        XCTAssertEqual(ObjectiveLine("-1e-3"), .number(-0.001))
        XCTAssertEqual(ObjectiveLine("epoch 3 loss 0.2"), .other)
        XCTAssertEqual(ObjectiveLine("{\"loss\": 0.2}"), .other)
        XCTAssertEqual(ObjectiveLine("{\"step\": -1, \"value\": 0.5}"),
                       .invalid("it reported a learning-curve step -1; steps are whole numbers from 0"))
        XCTAssertEqual(ObjectiveLine("{\"step\": 1.5, \"value\": 0.5}"),
                       .invalid("it reported a learning-curve step 1.5; steps are whole numbers from 0"))
        XCTAssertEqual(ObjectiveLine("{\"step\": \"x\", \"value\": 0.5}"),
                       .invalid("it reported a learning-curve step x; steps are whole numbers from 0"))
        XCTAssertEqual(ObjectiveLine("{\"value\": null}"), .invalid("it reported a null value"))
        XCTAssertEqual(ObjectiveLine("{\"value\": 1e999}"),
                       .invalid("it reported the value 1e999, beyond the range of a 64-bit floating-point number"))
        XCTAssertEqual(ObjectiveLine("{\"value\": [1e999]}"), .invalid("it reported a value that is a list or an object, not a number"))
        XCTAssertEqual(ObjectiveLine("{\"value\": \"high\"}"), .invalid("it reported the value \"high\", which is not a number"))
        XCTAssertEqual(ObjectiveLine("{\"value\": true}"), .invalid("it reported a value that is a boolean, not a number"))
        XCTAssertEqual(ObjectiveLine("{\"value\": 1e100}"), .value(1e100))
        XCTAssertEqual(ObjectiveLine("{\"value\": \"-inf\"}"), .value(-.infinity))
        XCTAssertEqual(ObjectiveLine("2024-01-01"), .other)
        guard case .value(let nan) = ObjectiveLine("{\"value\": NaN}"), nan.isNaN else { return XCTFail("NaN not read") }
        XCTAssertEqual(ObjectiveLine("{\"value\": Infinity}"), .value(.infinity))
        guard case .number(let bare) = ObjectiveLine("nan"), bare.isNaN else { return XCTFail("bare nan not read") }
    }
}
