import XCTest
import MetaTuneTesting
@testable import MetaTune

/// One contract, every sampler: `MetaTuneTesting.SamplerContract` (reproducible, valid, robust
/// to histories with trials in every state, extreme bounds) for every sampler of the catalog and
/// BOHB's model; the meta-learning samplers are checked in `MetaLearningTests`.
final class SamplerContractTests: XCTestCase {
    private var space: SearchSpace { get throws { try SamplerContract.space } }

    private func objective(_ p: [String: ParamValue]) -> Double { SamplerContract.objective(p) }

    private func run(_ sampler: Sampler, trials: Int) throws -> [FrozenTrial] {
        let study = try Study.create(name: "contract", sampler: sampler)
        for _ in 0..<trials {
            let trial = try study.ask(space: try space)
            try study.tell(trial, value: objective(trial.params))
        }
        return try study.trials
    }

    func testEverySamplerOfTheCatalogKeepsTheContract() throws {
        for kind in SamplerKind.allCases {
            let space = try self.space
            try SamplerContract.verify(kind.rawValue) { seed in try kind.make(seed: seed, space: space) }
        }
    }

    func testBOHBsModelKeepsTheContract() throws {
        try SamplerContract.verify("bohb") { seed in BudgetModelSampler(resources: [1, 3, 9], seed: seed) }
    }

    /// The contract finds a broken sampler: one that suggests outside the bounds.
    func testTheContractCatchesASamplerThatLeavesItsBounds() {
        XCTAssertThrowsError(try SamplerContract.verify("out of bounds") { seed in OutOfBoundsSampler(seed: seed) }) { error in
            XCTAssertEqual((error as? ContractViolation)?.check, "in its distribution", "\(error)")
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

/// Random search that puts every float a little above its upper bound.
private struct OutOfBoundsSampler: Sampler {
    let seed: UInt64
    func sampleIndependent(history: StudyHistory, trial: FrozenTrial, name: String, distribution: Distribution) -> ParamValue {
        let value = RandomSampler(seed: seed).sampleIndependent(history: history, trial: trial, name: name, distribution: distribution)
        if case .float(let float) = distribution { return .float(float.high + 1) }
        return value
    }
}
