import Foundation
@testable import MetaTune
import XCTest

/// Which running trials count as orphaned: on this host the process table decides; elsewhere the
/// heartbeat's age.
final class OrphanJudgementTests: XCTestCase {
    private func running(owner: TrialOwner?, heartbeat: Date) throws -> FrozenTrial {
        let storage = InMemoryStorage()
        let record = try storage.createStudy(name: "s", direction: .minimize)
        let created = try XCTUnwrap(try storage.createTrial(studyID: record.id, state: .running, systemAttributes: [:],
                                                            owner: owner, limit: nil))
        var trial = try storage.trial(id: created.id)
        trial.heartbeatAt = heartbeat
        return trial
    }

    func testALiveOwnerOnThisHostIsNeverAnOrphanWhateverItsHeartbeatsAge() throws {
        let parent = getppid()
        let owner = TrialOwner(host: TrialOwner.current.host, pid: parent, processStart: processStartTime(parent) ?? 0)
        let stale = try running(owner: owner, heartbeat: Date().addingTimeInterval(-3600))
        XCTAssertFalse(Study.isOrphaned(stale, heartbeatGrace: 60, now: Date()), "a wall-clock step must not fail a live runner's trial")
    }

    func testADeadOwnerOnThisHostIsAnOrphanAtOnce() throws {
        let dead = TrialOwner(host: TrialOwner.current.host, pid: Int32.max - 7, processStart: 1)
        XCTAssertTrue(Study.isOrphaned(try running(owner: dead, heartbeat: Date()), heartbeatGrace: 60, now: Date()))
    }

    func testAnotherHostsTrialIsAnOrphanOnceItsHeartbeatIsOlderThanTheGrace() throws {
        let remote = TrialOwner(host: "elsewhere.invalid", pid: 12, processStart: 3)
        let fresh = try running(owner: remote, heartbeat: Date().addingTimeInterval(-30))
        let stale = try running(owner: remote, heartbeat: Date().addingTimeInterval(-90))
        XCTAssertFalse(Study.isOrphaned(fresh, heartbeatGrace: 60, now: Date()))
        XCTAssertTrue(Study.isOrphaned(stale, heartbeatGrace: 60, now: Date()))
    }
}
