import XCTest
@testable import MetaTune
import MetaTuneNumerics

final class GeneticSamplerTests: XCTestCase {
    private let space = try! SearchSpaceFile.parse("""
    x: {type: float, low: -5, high: 5}
    y: {type: float, low: -5, high: 5}
    n: {type: int, low: 0, high: 20}
    kind: {type: categorical, choices: [a, b, c]}
    extra: {type: float, low: 0, high: 1, when: {kind: c}}
    """)

    /// Minimum 0 at x = 1, y = −2, n = 7, kind = c, extra = 0.5.
    private func objective(_ p: [String: ParamValue]) -> Double {
        let x = p["x"]!.doubleValue!, y = p["y"]!.doubleValue!, n = Double(p["n"]!.intValue!)
        var value = (x - 1) * (x - 1) + (y + 2) * (y + 2) + 0.05 * (n - 7) * (n - 7)
        if let extra = p["extra"]?.doubleValue { value += (extra - 0.5) * (extra - 0.5) } else { value += 1 }
        return value
    }

    private func run(_ sampler: Sampler, trials: Int) throws -> Study {
        let study = try Study.create(name: "ga", sampler: sampler)
        for _ in 0..<trials {
            let trial = try study.ask(space: space)
            try study.tell(trial, value: objective(trial.params))
        }
        return study
    }

    func testFirstGenerationIsRandom() throws {
        let ga = try run(GeneticSampler(seed: 3), trials: 10).trials.map(\.params)
        let random = try run(RandomSampler(seed: 3), trials: 10).trials.map(\.params)
        XCTAssertEqual(ga, random)
    }

    func testEveryGenerationBreedsFromTheEliteOfAllEarlierOnes() throws {
        var options = GeneticSampler.Options()
        options.populationSize = 20
        let sampler = GeneticSampler(seed: 5, options: options)
        let study = try run(sampler, trials: 120)
        let history = try study.history()
        let best = try XCTUnwrap(history.trials.prefix(100).min { $0.value! < $1.value! })
        // Generation 5 (trials 100–119) draws its parents from the best 20 of trials 0–99.
        var parents = Set<Int>()
        for number in 100..<120 {
            let (a, b) = try XCTUnwrap(sampler.parents(history: history, trial: number))
            XCTAssertLessThan(a.number, 100)
            XCTAssertLessThan(b.number, 100)
            parents.insert(a.number)
            parents.insert(b.number)
        }
        let population = GeneticPopulation().parents(history: history, generation: 5, size: 20)
        XCTAssertEqual(population.first, best.number, "the elite survives")
        XCTAssertTrue(parents.isSubset(of: Set(population)))
        // Elitism: the best value never gets worse from one generation's population to the next.
        var previous = Double.infinity
        for generation in 1...5 {
            let top = history.trials[GeneticPopulation().parents(history: history, generation: generation, size: 20)[0]].value!
            XCTAssertLessThanOrEqual(top, previous)
            previous = top
        }
    }

    func testBeatsRandomSearchOnASimpleObjective() throws {
        var wins = 0
        for seed in 0..<5 {
            let ga = try XCTUnwrap(try run(GeneticSampler(seed: UInt64(seed)), trials: 200).bestTrial?.value)
            let random = try XCTUnwrap(try run(RandomSampler(seed: UInt64(seed)), trials: 200).bestTrial?.value)
            if ga < random { wins += 1 }
        }
        XCTAssertGreaterThanOrEqual(wins, 4)
    }

    func testChildrenRespectConditionsAndInheritConditionalParameters() throws {
        let study = try run(GeneticSampler(seed: 8), trials: 160)
        for trial in try study.trials {
            XCTAssertEqual(trial.params["extra"] != nil, trial.params["kind"] == "c")
        }
        let best = try XCTUnwrap(try study.bestTrial)
        XCTAssertEqual(best.params["kind"], "c", "the conditional branch is the better one")
        XCTAssertLessThan(best.value!, 0.5)
    }

    func testUniformCrossoverOnlyRecombinesParentValues() throws {
        var options = GeneticSampler.Options()
        options.crossover = .uniform
        options.mutationProbability = 0
        let sampler = GeneticSampler(seed: 2, options: options)
        let study = try run(sampler, trials: 40)
        let history = try study.history()
        for trial in history.trials[options.populationSize...] {
            let (a, b) = try XCTUnwrap(sampler.parents(history: history, trial: trial.number))
            for name in ["x", "y", "n", "kind"] {
                XCTAssertTrue(trial.params[name] == a.params[name] || trial.params[name] == b.params[name])
            }
        }
    }
}
