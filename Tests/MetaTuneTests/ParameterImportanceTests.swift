import Foundation
import MetaTuneNumerics
import XCTest
@testable import MetaTune

/// Importance on functions whose structure is known: both methods must rank the parameters as the
/// function weighs them.
final class ParameterImportanceTests: XCTestCase {
    private let unit = Distribution.float(try! FloatDistribution(low: 0, high: 1))

    /// Complete trials with uniform draws of x1…x`count` and value `f` of them.
    private func trials(_ n: Int, count: Int = 8, seed: UInt64 = 1, f: ([Double]) -> Double) -> [FrozenTrial] {
        var generator = SeededGenerator(seed: seed)
        return (0..<n).map { number in
            let x = (0..<count).map { _ in generator.nextUniform() }
            var params: [String: ParamValue] = [:], distributions: [String: Distribution] = [:]
            for (i, value) in x.enumerated() { params["x\(i + 1)"] = .float(value); distributions["x\(i + 1)"] = unit }
            return FrozenTrial(id: number, number: number, state: .complete, value: f(x), params: params, distributions: distributions)
        }
    }

    private func assertRanking(_ importances: ParameterImportances, first: String, second: String, file: StaticString = #filePath, line: UInt = #line) {
        let names = importances.entries.map(\.name)
        XCTAssertEqual(Array(names.prefix(2)), [first, second], "\(importances.entries)", file: file, line: line)
        let rest = importances.entries.dropFirst(2).map(\.importance)
        XCTAssertLessThan(rest.max() ?? 0, importances.entries[1].importance, file: file, line: line)
    }

    func testBothMethodsRankAWeightedSum() throws {
        let study = trials(1_000) { 10 * $0[0] + $0[1] + 0 * $0[2] }
        for method in ImportanceMethod.allCases {
            let importances = try ParameterImportanceEvaluator(method: method).evaluate(study, direction: .minimize)
            XCTAssertEqual(importances.method, method)
            XCTAssertEqual(importances.trialsUsed, 1_000)
            XCTAssertEqual(importances.entries.count, 8)
            XCTAssertEqual(importances.entries.map(\.importance).reduce(0, +), 1, accuracy: 1e-9)
            assertRanking(importances, first: "x1", second: "x2")
            XCTAssertGreaterThan(importances.importance(of: "x1") ?? 0, 0.5, "\(method)")
        }
    }

    func testFANOVASharesFollowTheVarianceEachParameterExplains() throws {
        // Var(3·x1) = 9/12, Var(x2) = 1/12: x1 explains 90 % of the variance.
        let study = trials(1_500, count: 3) { 3 * $0[0] + $0[1] }
        let importances = try ParameterImportanceEvaluator(method: .fanova).evaluate(study, direction: .minimize)
        XCTAssertEqual(importances.importance(of: "x1") ?? 0, 0.9, accuracy: 0.05)
        XCTAssertEqual(importances.importance(of: "x2") ?? 0, 0.1, accuracy: 0.05)
        XCTAssertLessThan(importances.importance(of: "x3") ?? 1, 0.03)
    }

    func testDirectionDoesNotChangeWhatMattersButWhichEndIsBest() throws {
        // Only the best trials' distribution counts: maximising x1·10 + x2 still makes x1 matter most.
        let study = trials(2_000, count: 4) { 10 * $0[0] + $0[1] }
        for direction in [StudyDirection.minimize, .maximize] {
            assertRanking(try ParameterImportanceEvaluator().evaluate(study, direction: direction), first: "x1", second: "x2")
        }
    }

    func testLogIntegerAndCategoricalParametersAreMeasuredOnTheirOwnScale() throws {
        let lr = Distribution.float(try FloatDistribution(low: 1e-5, high: 1, log: true))
        let layers = Distribution.int(try IntDistribution(low: 1, high: 6))
        let activation = Distribution.categorical(try CategoricalDistribution(choices: [.string("relu"), .string("tanh"), .string("gelu")]))
        let noise = Distribution.int(try IntDistribution(low: 1, high: 1_000, log: true))
        var generator = SeededGenerator(seed: 7)
        let study = (0..<3_000).map { number -> FrozenTrial in
            let logLR = -5 + 5 * generator.nextUniform()
            let layerCount = 1 + generator.nextIndex(below: 6)
            let choice = generator.nextIndex(below: 3)
            let width = min(max(Int(exp(log(1000.0) * generator.nextUniform()).rounded()), 1), 1_000)
            // The value depends on the log of the learning rate (best near 1e-3), then on the activation.
            let value = abs(logLR + 3) + (choice == 2 ? 0 : 0.8) + 0.05 * Double(layerCount)
            return FrozenTrial(id: number, number: number, state: .complete, value: value,
                               params: ["lr": .float(pow(10, logLR)), "layers": .int(layerCount),
                                        "activation": activation.externalValue(Double(choice)), "width": .int(width)],
                               distributions: ["lr": lr, "layers": layers, "activation": activation, "width": noise])
        }
        for method in ImportanceMethod.allCases {
            let importances = try ParameterImportanceEvaluator(method: method).evaluate(study, direction: .minimize)
            XCTAssertEqual(importances.entries.last?.name == "width" || importances.entries.last?.name == "layers", true, "\(method): \(importances.entries)")
            XCTAssertEqual(Set(importances.entries.prefix(2).map(\.name)), ["lr", "activation"], "\(method): \(importances.entries)")
        }
    }

    func testOnlyCompleteTrialsCountAndAConditionalParameterUsesTheTrialsThatHaveIt() throws {
        var study = trials(600, count: 2) { 10 * $0[0] + $0[1] }
        for index in study.indices where index % 2 == 0 { study[index].params["x2"] = nil; study[index].distributions["x2"] = nil }
        study.append(FrozenTrial(id: 900, number: 900, state: .failed, params: ["x1": .float(0.9)], distributions: ["x1": unit]))
        study.append(FrozenTrial(id: 901, number: 901, state: .complete, value: .nan, params: ["x1": .float(0.1)], distributions: ["x1": unit]))
        let importances = try ParameterImportanceEvaluator().evaluate(study, direction: .minimize)
        XCTAssertEqual(importances.trialsUsed, 600)
        XCTAssertEqual(importances.entries.first { $0.name == "x2" }?.trials, 300)
        XCTAssertEqual(importances.entries.first?.name, "x1")
    }

    func testTooFewTrialsAndNoParametersAreErrorsNotCrashes() {
        let one = trials(1, count: 2) { $0[0] }
        XCTAssertThrowsError(try ParameterImportanceEvaluator().evaluate(one, direction: .minimize)) {
            XCTAssertEqual($0 as? ImportanceError, .notEnoughTrials(found: 1, needed: 2))
        }
        XCTAssertThrowsError(try ParameterImportanceEvaluator(method: .fanova).evaluate(trials(2, count: 1) { $0[0] }, direction: .minimize))
        let constant = Distribution.float(try! FloatDistribution(low: 2, high: 2))
        let flat = (0..<5).map { FrozenTrial(id: $0, number: $0, state: .complete, value: Double($0), params: ["c": .float(2)], distributions: ["c": constant]) }
        XCTAssertThrowsError(try ParameterImportanceEvaluator().evaluate(flat, direction: .minimize)) {
            XCTAssertEqual($0 as? ImportanceError, .noParameters)
        }
        XCTAssertThrowsError(try ParameterImportanceEvaluator().evaluate(trials(10) { $0[0] }, direction: .minimize, parameters: ["missing"]))
    }

    func testAllEqualValuesGiveNoImportanceRatherThanNaN() throws {
        let study = trials(200, count: 3) { _ in 1 }
        for method in ImportanceMethod.allCases {
            let importances = try ParameterImportanceEvaluator(method: method).evaluate(study, direction: .minimize)
            XCTAssertTrue(importances.entries.allSatisfy { $0.importance.isFinite && $0.importance >= 0 }, "\(method): \(importances.entries)")
            XCTAssertTrue(importances.entries.allSatisfy { $0.importance == 0 }, "\(method): \(importances.entries)")
        }
    }

    func testManyParametersASubsetAndAChangedRangeAreMeasuredOnTheLatestDistribution() throws {
        // 20 parameters: past the short list the names are looked up by hashing; 4,500 trials are
        // read in stretches on several threads.
        var study = trials(4_500, count: 20) { 10 * $0[19] + $0[4] }
        let importances = try ParameterImportanceEvaluator().evaluate(study, direction: .minimize)
        assertRanking(importances, first: "x20", second: "x5")
        XCTAssertEqual(importances.entries.count, 20)
        let subset = try ParameterImportanceEvaluator().evaluate(study, direction: .minimize, parameters: ["x5", "x1", "missing"])
        XCTAssertEqual(Set(subset.entries.map(\.name)), ["x5", "x1"])
        XCTAssertEqual(subset.entries.first?.name, "x5")
        // The first 2,500 trials (across stretches) drew x1 from a wider range: only the 2,000 later
        // ones measure it; x2 appears only in every third trial.
        let wide = Distribution.float(try FloatDistribution(low: 0, high: 2))
        for index in 0..<2_500 { study[index].distributions["x1"] = wide }
        for index in study.indices where index % 3 != 0 { study[index].params["x2"] = nil; study[index].distributions["x2"] = nil }
        let changed = try ParameterImportanceEvaluator().evaluate(study.shuffled(), direction: .minimize)
        XCTAssertEqual(changed.entries.first { $0.name == "x1" }?.trials, 2_000)
        XCTAssertEqual(changed.entries.first { $0.name == "x2" }?.trials, 1_500)
        XCTAssertEqual(changed.entries.first { $0.name == "x20" }?.trials, 4_500)
        assertRanking(changed, first: "x20", second: "x5")
        // The latest trial's distribution wins even when it is the wide one.
        study[4_499].distributions["x1"] = wide
        let latestWide = try ParameterImportanceEvaluator().evaluate(study, direction: .minimize)
        XCTAssertEqual(latestWide.entries.first { $0.name == "x1" }?.trials, 2_501)
    }

    func testTheCutoffIsTheRankedLossThatQuickselectFinds() {
        var generator = SeededGenerator(seed: 7)
        for count in [1, 2, 3, 10, 101, 1_000] {
            // Ties included: values drawn from a few levels.
            let values = (0..<count).map { _ in Double(Int(generator.nextUniform() * 7)) - 3 }
            let sorted = values.sorted()
            for rank in Set([0, count / 2, count - 1, (count * 9) / 10]) where rank < count {
                XCTAssertEqual(ImportanceColumns.select(rank, in: values), sorted[rank], "rank \(rank) of \(count)")
            }
        }
    }
}
