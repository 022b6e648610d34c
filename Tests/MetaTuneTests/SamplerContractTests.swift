import XCTest
@testable import MetaTune

/// One contract, every sampler: seeded reproducibility, bounds, types, steps and conditions.
final class SamplerContractTests: XCTestCase {
    private let space = try! SearchSpaceFile.parse("""
    lr: {type: float, low: 1.0e-5, high: 1.0, log: true}
    x: {type: float, low: -2, high: 3}
    dropout: {type: float, low: 0, high: 0.5, step: 0.1}
    batch: {type: int, low: 16, high: 512, log: true}
    layers: {type: int, low: 1, high: 9, step: 2}
    optimizer: {type: categorical, choices: [sgd, adam, rmsprop]}
    momentum: {type: float, low: 0, high: 0.99, when: {optimizer: sgd}}
    beta: {type: categorical, choices: [0.9, 0.99], when: {optimizer: [adam, rmsprop]}}
    """)

    private func makeSamplers(seed: UInt64) throws -> [(String, Sampler)] {
        try SamplerCatalog.names.map { ($0, try SamplerCatalog.make($0, seed: seed, space: space)) }
    }

    /// A deterministic objective that depends on every kind of parameter.
    private func objective(_ p: [String: ParamValue]) -> Double {
        var value = pow(log10(p["lr"]!.doubleValue!) + 3, 2) + pow(p["x"]!.doubleValue! - 1, 2)
        value += p["dropout"]!.doubleValue! + Double(p["layers"]!.intValue!) * 0.1 + log2(Double(p["batch"]!.intValue!)) * 0.01
        value += p["optimizer"] == "adam" ? 0 : 0.5
        return value
    }

    private func run(_ sampler: Sampler, trials: Int) throws -> [FrozenTrial] {
        let study = try Study.create(name: "contract", sampler: sampler)
        for _ in 0..<trials {
            let trial = try study.ask(space: space)
            try study.tell(trial, value: objective(trial.params))
        }
        return try study.trials
    }

    func testSameSeedGivesSameSuggestionsAndOtherSeedsDiffer() throws {
        for ((name, a), (_, b)) in zip(try makeSamplers(seed: 7), try makeSamplers(seed: 7)) {
            let first = try run(a, trials: 30).map(\.params)
            let second = try run(b, trials: 30).map(\.params)
            XCTAssertEqual(first, second, "\(name) is not reproducible")
            let other = try run(try SamplerCatalog.make(name, seed: 8, space: space), trials: 30).map(\.params)
            XCTAssertNotEqual(first, other, "\(name) ignores its seed")
        }
    }

    func testSuggestionsRespectBoundsTypesStepsAndConditions() throws {
        for (name, sampler) in try makeSamplers(seed: 1) {
            for trial in try run(sampler, trials: 60) {
                let p = trial.params
                for spec in space.parameters {
                    let active = space.isActive(spec, given: p)
                    XCTAssertEqual(p[spec.name] != nil, active, "\(name): \(spec.name) activity wrong in \(p)")
                    if let value = p[spec.name] {
                        XCTAssertNotNil(spec.distribution.internalValue(of: value), "\(name): \(spec.name)=\(value) invalid")
                    }
                }
                if case .float = p["lr"]! {} else { XCTFail("\(name): lr is not a float") }
                if case .int = p["batch"]! {} else { XCTFail("\(name): batch is not an int") }
                XCTAssertEqual((p["layers"]!.intValue! - 1) % 2, 0, "\(name): layers off its step")
                let dropoutSteps = p["dropout"]!.doubleValue! / 0.1
                XCTAssertEqual(dropoutSteps, dropoutSteps.rounded(), accuracy: 1e-9, "\(name): dropout off its step")
            }
        }
    }

    func testModelBasedSamplersBeatRandomOnASimpleObjective() throws {
        func bestAfter(_ sampler: Sampler) throws -> Double {
            try run(sampler, trials: 80).compactMap(\.value).min()!
        }
        var tpeWins = 0
        for seed in 0..<5 {
            let random = try bestAfter(RandomSampler(seed: UInt64(seed)))
            let tpe = try bestAfter(TPESampler(seed: UInt64(seed)))
            if tpe < random { tpeWins += 1 }
        }
        XCTAssertGreaterThanOrEqual(tpeWins, 4, "TPE should beat random search on most seeds")
    }

    func testSuggestionsDoNotDependOnAskOrderOfOtherTrials() throws {
        // A sampler is a function of (history, trial, seed): the random sampler's trial 5 is the
        // same whether or not other trials ran concurrently before it.
        let a = try run(RandomSampler(seed: 4), trials: 6)
        let study = try Study.create(name: "b", sampler: RandomSampler(seed: 4))
        for _ in 0..<5 { _ = try study.ask() }  // five trials that never suggest anything
        let sixth = try study.ask(space: space)
        XCTAssertEqual(sixth.params, a[5].params)
    }
}
