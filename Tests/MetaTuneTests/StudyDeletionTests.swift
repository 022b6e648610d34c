import Foundation
import MetaTune
import XCTest

/// `Storage.deleteStudy(_:force:)`: a study a live runner works on is kept unless forced.
final class StudyDeletionTests: XCTestCase {
    func testAStudyWithALiveRunnersTrialIsKeptUnlessForced() throws {
        let storage = InMemoryStorage()
        let study = try Study.create(name: "busy", sampler: RandomSampler(seed: 1), storage: storage)
        _ = try storage.createTrial(studyID: study.id, state: .running, systemAttributes: [:], owner: .current, limit: nil)
        let record = try XCTUnwrap(try storage.study(named: "busy"))
        XCTAssertThrowsError(try storage.deleteStudy(record)) {
            XCTAssertEqual($0 as? StudyDeletionRefusal, .liveTrials(study: "busy", count: 1, owner: .current))
        }
        XCTAssertNotNil(try storage.study(named: "busy"))
        try storage.deleteStudy(record, force: true)
        XCTAssertNil(try storage.study(named: "busy"))
    }

    func testAStudyWithoutRunningTrialsIsDeleted() throws {
        let storage = InMemoryStorage()
        let study = try Study.create(name: "done", sampler: RandomSampler(seed: 1), storage: storage)
        try study.optimize(trials: 2) { trial in try trial.suggestFloat("x", in: 0...1) }
        try storage.deleteStudy(try XCTUnwrap(try storage.study(named: "done")))
        XCTAssertNil(try storage.study(named: "done"))
    }
}
