import XCTest
import MetaTune
@testable import MetaLearning

final class SideBySideRunTests: XCTestCase {
    func testEachSamplerKeepsItsBestAndTheRoundItReachedTheTarget() throws {
        let space = try SearchSpaceFile.parse("x: {type: float, low: 0, high: 1}\n")
        // "good" proposes 0.9, 0.95, …; "slow" climbs from 0.1; one trial of "slow" fails.
        struct Fixed: Sampler {
            let values: [Double]
            func sampleIndependent(history: StudyHistory, trial: FrozenTrial, name: String, distribution: Distribution) -> ParamValue {
                .float(values[min(trial.number, values.count - 1)])
            }
        }
        var run = try SideBySideRun(samplers: [("good", Fixed(values: [0.9, 0.95, 0.95, 0.95])),
                                               ("slow", Fixed(values: [0.1, 0.5, 0.7, 0.96]))],
                                    space: space, direction: .maximize)
        var rounds: [[Double?]] = []
        for _ in 0..<4 {
            rounds.append(try run.round { trial in
                let x = try trial.suggestFloat("x", in: 0...1)
                if x == 0.5 { throw TrialPruned("a failing trial") }
                return x
            })
        }
        XCTAssertEqual(rounds[0], [0.9, 0.1])
        XCTAssertEqual(rounds[1], [0.95, 0.1], "the failed trial leaves the best as it was")
        XCTAssertEqual(rounds[3], [0.95, 0.96])
        XCTAssertEqual(run.rounds, 4)
        XCTAssertEqual(run.roundsToTarget(gap: 0.02), [2, 4], "within 0.02 of the best final value, 0.96")
    }
}
