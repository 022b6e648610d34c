import MetaTuneNumerics
import XCTest
@testable import MetaTune

final class PopulationBasedTrainingTests: XCTestCase {
    /// A toy training run whose best learning rate decays over time: each step adds
    /// exp(−((log10 lr − target(t))/0.3)²), target(t) going from −1 to −2, so no constant
    /// learning rate keeps up, and a schedule does.
    struct DecayingOptimum: PopulationObjective {
        final class Run {
            var score = 0.0
            var used = 0
            var learningRate: Double
            let width: Int
            init(learningRate: Double, width: Int) {
                self.learningRate = learningRate
                self.width = width
            }
        }

        let maxResource: Int

        func start(_ trial: Trial) throws -> Run {
            Run(learningRate: try trial.suggestFloat("lr", low: 1e-4, high: 1, log: true),
                width: try trial.suggestInt("width", low: 1, high: 4))
        }

        func advance(_ run: Run, of trial: Trial, to resource: Int) throws -> Double {
            while run.used < resource {
                let target = -1 - Double(run.used) / Double(maxResource)
                run.score += exp(-pow((log10(run.learningRate) - target) / 0.3, 2))
                try trial.report(run.score, step: run.used)
                run.used += 1
            }
            return run.score
        }

        func isMutable(_ name: String) -> Bool { name == "lr" }

        func exploit(_ donor: Run, for trial: Trial, params: [String: ParamValue]) throws -> Run {
            let run = Run(learningRate: params["lr"]!.doubleValue!, width: params["width"]!.intValue!)
            run.score = donor.score
            run.used = donor.used
            return run
        }
    }

    private func train(interval: Int, seed: UInt64 = 3, concurrency: Int = 2) throws -> Study {
        var options = PopulationBasedTraining.Options(interval: interval, maxResource: 30)
        options.seed = seed
        let study = try Study.create(name: "pbt", direction: .maximize, sampler: RandomSampler(seed: seed))
        let usage = try PopulationBasedTraining(options: options).run(study: study, objective: DecayingOptimum(maxResource: 30),
                                                                      population: 8, concurrency: concurrency)
        // A copy continues from its donor's resource, so the population trains at most 8 × 30
        // steps: exactly the steps its learning curves hold.
        XCTAssertEqual(usage.trialsStarted, 8)
        XCTAssertEqual(usage.fullBudgetEquivalent, 8 * 30)
        XCTAssertEqual(usage.resource, try study.trials.reduce(0) { $0 + $1.intermediateValues.count })
        XCTAssertLessThanOrEqual(usage.resource, 8 * 30)
        return study
    }

    func testPBTBeatsTheBestFixedMemberOfTheSamePopulation() throws {
        for seed: UInt64 in [3, 4, 5, 6, 7] {
            // An interval as long as the run never exploits: the same population with fixed hyperparameters.
            let fixed = try train(interval: 30, seed: seed, concurrency: 1)
            let pbt = try train(interval: 2, seed: seed, concurrency: 1)
            XCTAssertEqual(try fixed.trials.map(\.params), try pbt.trials.map(\.params), "same starting population")
            XCTAssertTrue(try fixed.trials.allSatisfy { $0.userAttributes[PopulationBasedTraining.historyKey] == nil })
            let bestFixed = try XCTUnwrap(fixed.bestTrial?.value)
            let bestPBT = try XCTUnwrap(pbt.bestTrial?.value)
            XCTAssertGreaterThan(bestPBT, bestFixed, "seed \(seed)")
            XCTAssertTrue(try pbt.trials.allSatisfy { $0.state == .complete && $0.intermediateValues.keys.max() == 29 })
        }
    }

    /// Two workers: every member still completes, and the resource spent is what the curves hold
    /// (checked in `train`), whatever order the workers take the members in.
    func testTwoWorkersTrainTheWholePopulation() throws {
        for seed: UInt64 in [3, 4] {
            let study = try train(interval: 2, seed: seed, concurrency: 2)
            XCTAssertTrue(try study.trials.allSatisfy { $0.state == .complete && $0.intermediateValues.keys.max() == 29 })
        }
    }

    /// Asynchronous exploits: a member copies a member that did better at the same resource,
    /// records it (the lineage) and goes on from the donor's state; one worker gives the same run
    /// for the same seed.
    func testExploitCopiesABetterMemberAndRecordsIt() throws {
        let study = try train(interval: 3, concurrency: 1)
        let trials = try study.trials
        let exploited = trials.filter { $0.userAttributes[PopulationBasedTraining.historyKey] != nil }
        var exploits = 0
        for trial in exploited {
            guard case .array(let events)? = trial.userAttributes[PopulationBasedTraining.historyKey] else { return XCTFail() }
            for event in events {
                exploits += 1
                let resource = try XCTUnwrap(event["resource"]?.doubleValue)
                XCTAssertEqual(resource.truncatingRemainder(dividingBy: 3), 0)
                let donor = try XCTUnwrap(event["from_trial"]?.doubleValue)
                XCTAssertNotEqual(Int(donor), trial.number)
                // Both reached this resource, and the donor did better there.
                let key = String(Int(resource))
                let mine = try XCTUnwrap(trial.systemAttributes[PopulationBasedTraining.valuesKey]?[key]?.doubleValue)
                let theirs = try XCTUnwrap(trials[Int(donor)].systemAttributes[PopulationBasedTraining.valuesKey]?[key]?.doubleValue)
                XCTAssertGreaterThan(theirs, mine)
                guard case .number(let lr)? = event["params"]?["lr"] else { return XCTFail() }
                XCTAssertTrue((1e-4...1).contains(lr))
            }
        }
        XCTAssertGreaterThanOrEqual(exploits, 5, "members are replaced along the run")
        let again = try train(interval: 3, concurrency: 1)
        XCTAssertEqual(try again.trials.map(\.userAttributes), trials.map(\.userAttributes))
        XCTAssertEqual(try again.trials.map(\.value), trials.map(\.value))
    }

    func testExploreChangesOnlyMutableParametersWithinTheirBounds() throws {
        let pbt = try PopulationBasedTraining(options: .init(interval: 1, maxResource: 2))
        let distributions: [String: Distribution] = [
            "lr": .float(try FloatDistribution(low: 1e-4, high: 1, log: true)),
            "width": .int(try IntDistribution(low: 1, high: 4)),
        ]
        var generator = SeededGenerator(seeds: [1])
        var sawChange = false
        for _ in 0..<200 {
            let explored = pbt.explore(["lr": .float(0.9), "width": .int(3)], distributions: distributions,
                                       objective: DecayingOptimum(maxResource: 2), generator: &generator)
            XCTAssertEqual(explored["width"], .int(3))
            let lr = try XCTUnwrap(explored["lr"]?.doubleValue)
            XCTAssertTrue((1e-4...1).contains(lr))
            sawChange = sawChange || lr != 0.9
        }
        XCTAssertTrue(sawChange)
        XCTAssertThrowsError(try PopulationBasedTraining(options: .init(interval: 0, maxResource: 5)))
        let study = try Study.create(name: "tiny", direction: .maximize, sampler: RandomSampler(seed: 1))
        XCTAssertThrowsError(try pbt.run(study: study, objective: DecayingOptimum(maxResource: 2), population: 1))
    }
}
