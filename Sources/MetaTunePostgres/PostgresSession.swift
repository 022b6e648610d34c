import Foundation
import MetaTune
import PostgresNIO

/// One attempt at a storage operation on one connection: statements, transactions, and the
/// attempt's number (an operation retried after its connection dropped may find its own earlier
/// attempt committed, and must recognise it).
struct PostgresSession {
    let connection: PostgresConnection
    let pool: PostgresConnectionPool
    /// 0 for the first attempt.
    let attempt: Int

    /// The rows `query` returns.
    @discardableResult
    func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
        try pool.run(query, on: connection).rows
    }

    /// The number of rows `query` changed.
    @discardableResult
    func execute(_ query: PostgresQuery) throws -> Int {
        try pool.run(query, on: connection).metadata.rows ?? 0
    }

    /// Runs `body` inside a transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if !PostgresFailure.losesConnection(error) { _ = try? execute("ROLLBACK") }
            throw error
        }
    }
}
