import XCTest
import MetaTuneNumerics
@testable import MetaTune

final class GPSamplerTests: XCTestCase {
    private let space = try! SearchSpaceFile.parse("""
    x: {type: float, low: -5, high: 10}
    y: {type: float, low: 0, high: 15}
    """)

    private func branin(_ p: [String: ParamValue]) -> Double {
        let x = p["x"]!.doubleValue!, y = p["y"]!.doubleValue!
        let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
        return pow(y - b * x * x + c * x - 6, 2) + 10 * (1 - t) * cos(x) + 10
    }

    func testConvergesOnBraninFarBeyondRandomSearch() throws {
        let study = try Study.create(name: "gp-branin", sampler: GPSampler(seed: 1, space: space))
        for _ in 0..<40 {
            let trial = try study.ask(space: space)
            try study.tell(trial, value: branin(trial.params))
        }
        let best = try study.trials.compactMap(\.value).min()!
        // The optimum is 0.397887; 40 random trials typically end above 1.
        XCTAssertLessThan(best - 0.397887, 1e-2)
    }

    func testStartsWithTheSobolDesignOfTheDeclaredSpace() throws {
        let study = try Study.create(name: "gp-design", sampler: GPSampler(seed: 4, space: space))
        let first = try study.ask(space: space)
        let u = SobolSequence.point(index: 0, dimension: 2, scrambleSeed: 4)
        XCTAssertEqual(first.params["x"]!.doubleValue!, -5 + 15 * u[0], accuracy: 1e-9)
        XCTAssertEqual(first.params["y"]!.doubleValue!, 15 * u[1], accuracy: 1e-9)
    }

    /// Maximising −f must make exactly the suggestions that minimising f makes.
    func testMaximisingTheNegationRetracesMinimisation() throws {
        func suggestions(direction: StudyDirection, sign: Double) throws -> [[String: ParamValue]] {
            let study = try Study.create(name: "gp-\(direction)", direction: direction, sampler: GPSampler(seed: 2, space: space))
            for _ in 0..<16 {
                let trial = try study.ask(space: space)
                try study.tell(trial, value: sign * branin(trial.params))
            }
            return try study.trials.map(\.params)
        }
        XCTAssertEqual(try suggestions(direction: .minimize, sign: 1), try suggestions(direction: .maximize, sign: -1))
    }

    /// Two asks while the first is still running must not propose the same point (the running
    /// trial enters the model at the GP's own prediction).
    func testRunningTrialsPushParallelSuggestionsApart() throws {
        let study = try Study.create(name: "gp-parallel", sampler: GPSampler(seed: 3, space: space))
        for _ in 0..<15 {
            let trial = try study.ask(space: space)
            try study.tell(trial, value: branin(trial.params))
        }
        let first = try study.ask(space: space)
        let second = try study.ask(space: space)
        let dx = first.params["x"]!.doubleValue! - second.params["x"]!.doubleValue!
        let dy = first.params["y"]!.doubleValue! - second.params["y"]!.doubleValue!
        XCTAssertGreaterThan((dx * dx + dy * dy).squareRoot(), 1e-3)
    }

    func testInfiniteValuesDoNotBreakTheModel() throws {
        let study = try Study.create(name: "gp-inf", sampler: GPSampler(seed: 5, space: space))
        for index in 0..<20 {
            let trial = try study.ask(space: space)
            try study.tell(trial, value: index % 4 == 0 ? .infinity : branin(trial.params))
        }
        let trial = try study.ask(space: space)
        XCTAssertNotNil(trial.params["x"]?.doubleValue)
    }
}

extension GPSamplerTests {
    /// With an exact prior mean the first model-based suggestion lands on the optimum, which the
    /// plain GP cannot know after three trials.
    func testAPriorMeanSteersTheFirstModelBasedSuggestion() throws {
        let line = try SearchSpaceFile.parse("x: {type: float, low: -5, high: 5}")
        @Sendable func objective(_ x: Double) -> Double { (x - 2.2) * (x - 2.2) }
        func fourthSuggestion(priorMean: (@Sendable ([[String: ParamValue]]) -> [Double])?) throws -> Double {
            var options = GPSampler.Options()
            options.startupTrials = 3
            options.priorMean = priorMean
            let study = try Study.create(name: "prior", sampler: GPSampler(seed: 6, options: options, space: line))
            for _ in 0..<3 {
                let trial = try study.ask(space: line)
                try study.tell(trial, value: objective(trial.params["x"]!.doubleValue!))
            }
            return try study.ask(space: line).params["x"]!.doubleValue!
        }
        // Larger is better for the prior mean; the study minimises.
        let guided = try fourthSuggestion { batch in batch.map { -objective($0["x"]!.doubleValue!) } }
        XCTAssertEqual(guided, 2.2, accuracy: 0.05)
        let plain = try fourthSuggestion(priorMean: nil)
        XCTAssertGreaterThan(abs(plain - 2.2), 0.05, "the plain GP should not know the optimum yet")
    }

    func testConstructingTheSamplerLeavesTheProcessBLASThreadsAlone() throws {
        let before = BLAS.threads
        defer { BLAS.setThreads(before) }
        BLAS.setThreads(2)
        try XCTSkipIf(BLAS.threads != 2, "this BLAS cannot use two threads here")
        _ = GPSampler(seed: 1, space: space)
        XCTAssertEqual(BLAS.threads, 2)
    }
}
