import Foundation
import MetaTune
import MetaTuneStorages
import MetaTuneSQLite
import TestSupport
import XCTest

/// `Study.open` (and `create(loadIfExists:)`) when several workers open the same new study at
/// once, each through its own connection to one SQLite file: one creates it, the rest load it.
final class StudyOpenRaceTests: XCTestCase {
    func testWorkersOpeningOneNewStudyAtOnceAllGetTheSameStudy() throws {
        let directory = try TemporaryDirectory("metatune-open-race")
        let url = "sqlite:" + directory.path("s.sqlite")
        _ = try StorageURL.open(url)  // the schema exists before the race
        let workers = 8
        let results = OpenResults()
        DispatchQueue.concurrentPerform(iterations: workers) { index in
            do {
                let storage = try StorageURL.open(url)
                let study = index.isMultiple(of: 2)
                    ? try Study.open(name: "shared", direction: .maximize, storage: storage)
                    : try Study.create(name: "shared", direction: .maximize, storage: storage, loadIfExists: true)
                results.add(.success(study.id))
            } catch {
                results.add(.failure(error))
            }
        }
        let ids = try results.all.map { try $0.get() }
        XCTAssertEqual(ids.count, workers)
        XCTAssertEqual(Set(ids).count, 1, "every worker got the one study")
        XCTAssertEqual(try StorageURL.open(url).allStudies().map(\.name), ["shared"])
    }

    func testOpenChecksAGivenDirectionAndAdoptsTheStoredOneWhenNoneIsGiven() throws {
        let storage = InMemoryStorage()
        _ = try Study.open(name: "s", direction: .maximize, storage: storage)
        XCTAssertEqual(try Study.open(name: "s", storage: storage).direction, .maximize)
        XCTAssertThrowsError(try Study.open(name: "s", direction: .minimize, storage: storage)) { error in
            XCTAssertEqual(error as? StudyError,
                           .directionMismatch(study: "s", stored: .maximize, requested: .minimize))
        }
        XCTAssertEqual(try Study.open(name: "new", storage: storage).direction, .minimize, "a new study minimises by default")
    }
}

private final class OpenResults: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<Int, Error>] = []
    func add(_ result: Result<Int, Error>) { lock.withLock { results.append(result) } }
    var all: [Result<Int, Error>] { lock.withLock { results } }
}
