import Foundation
import MetaTune
import MetaTuneTesting
import TestSupport
import XCTest
@testable import MetaTunePostgres

/// The PostgreSQL storage keeps the same contract as SQLite and memory, on a real server.
final class PostgresStorageContractTests: XCTestCase {
    func testTheStorageContractHoldsOnARealServer() throws {
        let server = try PostgresTestServer.shared()
        let location = try PostgresLocation(server.url)
        try StorageContract.verify("PostgresStorage") { clock in
            try server.reset()
            return try PostgresStorage(location: location, clock: clock)
        }
    }
}
