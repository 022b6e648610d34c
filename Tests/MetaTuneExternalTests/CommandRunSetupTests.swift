import Foundation
import MetaTune
import MetaTuneExternal
import XCTest

/// `CommandRunSetup`: what `metatune run` checks before a trial runs, as typed refusals.
final class CommandRunSetupTests: XCTestCase {
    private func space() throws -> SearchSpace {
        try SearchSpaceFile.parse("x: {type: float, low: 0, high: 1}\n")
    }

    func testSchedulerPlaceholdersAreRefusedWithoutAScheduler() throws {
        for name in ["resource", "checkpoint", "restore"] {
            XCTAssertThrowsError(try CommandRunSetup(arguments: ["/bin/echo", "{\(name)}", "{x}"], space: try space(), scheduled: false)) {
                XCTAssertEqual($0 as? CommandRunSetup.Refusal, .placeholderNeedsScheduler(name))
            }
        }
        XCTAssertNoThrow(try CommandRunSetup(arguments: ["/bin/echo", "{resource}", "{x}"], space: try space(), scheduled: true))
    }

    func testAMissingProgramIsRefusedUpFront() throws {
        XCTAssertThrowsError(try CommandRunSetup(arguments: ["no-such-program-here", "{x}"], space: try space(), scheduled: false)) {
            XCTAssertTrue("\($0)".contains("not found on PATH"), "\($0)")
        }
        XCTAssertThrowsError(try CommandRunSetup(arguments: ["/no/such/file", "{x}"], space: try space(), scheduled: false)) {
            XCTAssertTrue("\($0)".contains("no such executable file"), "\($0)")
        }
    }

    func testCheckpointsGoBesideASQLiteStorageAndAMemoryStudyNeedsAFolderNamed() throws {
        let study = try Study.create(name: "my study", sampler: RandomSampler(seed: 1))
        let setup = try CommandRunSetup(arguments: ["/bin/echo", "{resource}", "{checkpoint}", "{restore}"], space: try space(), scheduled: true)
        let beside = try setup.resumable(study: study, storage: .sqlite(path: "runs/s.sqlite"), checkpointFolder: nil, scheduler: .asha)
        XCTAssertEqual(beside.checkpointDirectory, CheckpointFolder.folder(studyID: study.id, name: study.name, storagePath: "runs/s.sqlite"))
        let named = try setup.resumable(study: study, storage: .memory, checkpointFolder: "ckpt", scheduler: .pbt)
        // A named folder holds each study's checkpoints in a folder of its own.
        XCTAssertEqual(named.checkpointDirectory.lastPathComponent, "study-\(study.id)-my_study")
        XCTAssertEqual(named.checkpointDirectory.deletingLastPathComponent().lastPathComponent, "ckpt")
        XCTAssertThrowsError(try setup.resumable(study: study, storage: .memory, checkpointFolder: nil, scheduler: .asha)) {
            XCTAssertEqual($0 as? CommandRunSetup.Refusal, .noDefaultCheckpointFolder(.memory))
        }
        let stateless = try CommandRunSetup(arguments: ["/bin/echo", "{resource}"], space: try space(), scheduled: true)
        XCTAssertThrowsError(try stateless.resumable(study: study, storage: .memory, checkpointFolder: nil, scheduler: .pbt)) {
            XCTAssertEqual($0 as? CommandRunSetup.Refusal, .populationNeedsCheckpoints)
        }
        XCTAssertFalse(try stateless.resumable(study: study, storage: .memory, checkpointFolder: nil, scheduler: .asha).resumes)
    }
}
