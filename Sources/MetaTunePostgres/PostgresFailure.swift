import Foundation
import MetaTune
import NIOCore
import NIOPosix
import PostgresNIO

/// What a failure talking to PostgreSQL means for the storage: whether it is worth retrying (the
/// connection dropped, the server is restarting, a statement timed out, the server asks to try
/// again) and how to say it to a person without the password.
enum PostgresFailure {
    /// SQLSTATE codes after which the same operation may succeed on a new attempt: connection
    /// exceptions (class 08), the server shutting down or starting up, serialization failures,
    /// deadlocks, too many connections.
    private static let transientStates: Set<String> = ["57P01", "57P02", "57P03", "40001", "40P01", "53300", "53400"]

    /// Whether retrying the operation, on a new connection, may succeed.
    static func isTransient(_ error: any Error) -> Bool {
        if let error = error as? PSQLError {
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                guard let state = error.serverInfo?[.sqlState] else { return false }
                return state.hasPrefix("08") || transientStates.contains(state)
            default:
                return false
            }
        }
        return error is ChannelError || error is IOError || error is NIOConnectionError || error is StatementTimedOut
    }

    /// Whether the connection that raised `error` can no longer be used.
    static func losesConnection(_ error: any Error) -> Bool {
        if let error = error as? PSQLError {
            if error.code == .server, let state = error.serverInfo?[.sqlState] { return state.hasPrefix("08") || state.hasPrefix("57P") }
            return error.code != .server
        }
        return true
    }

    /// A one-line message for `error`, naming the server (never the password).
    static func message(_ error: any Error, location: PostgresLocation) -> String {
        let server = "PostgreSQL at \(location.host):\(location.port)/\(location.database)"
        if let error = error as? PSQLError {
            if error.code == .server, let info = error.serverInfo {
                let text = info[.message] ?? "error"
                let state = info[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return "\(server): \(text)\(state)"
            }
            if let underlying = error.underlying { return "\(server): \(error.code): \(underlying)" }
            return "\(server): \(error.code)"
        }
        if error is StatementTimedOut { return "\(server): no answer within the statement timeout" }
        return "\(server): \(error)"
    }
}

/// A statement that took longer than the location's `timeout`: its connection was closed.
struct StatementTimedOut: Error {}
