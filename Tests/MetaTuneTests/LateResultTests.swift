import Foundation
import XCTest
@testable import MetaTune

/// A trial failed by another worker while its own worker still ran it (an orphan of a host cut
/// off longer than the heartbeat grace) does not stop the worker's run.
final class LateResultTests: XCTestCase {
    func testARunGoesOnWhenAnotherWorkerFinishedItsTrialMeanwhile() throws {
        let storage = InMemoryStorage()
        let study = try Study.create(name: "late", sampler: RandomSampler(seed: 1), storage: storage)
        try study.optimize(trials: 6) { trial in
            let x = try trial.suggestFloat("x", in: 0...1)
            if trial.number == 2 || trial.number == 4 {
                // Another host recovers the trial as an orphan before this worker reports.
                try storage.finishTrial(trialID: trial.id, state: .failed, value: nil, reason: "orphaned: heartbeat lost")
            }
            if trial.number == 4 { throw CancellationError() }
            return x
        }
        let trials = try study.trials
        XCTAssertEqual(trials.count, 6)
        XCTAssertEqual(trials.filter { $0.state == .complete }.map(\.number), [0, 1, 3, 5])
        XCTAssertEqual(trials[2].failReason, "orphaned: heartbeat lost")
        XCTAssertEqual(trials[4].failReason, "orphaned: heartbeat lost", "the other worker's verdict stands")
    }
}
