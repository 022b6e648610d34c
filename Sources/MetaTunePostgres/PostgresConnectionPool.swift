import Foundation
import Logging
import MetaTune
import NIOCore
import NIOPosix
import PostgresNIO

/// A bounded set of connections to one PostgreSQL server, used from synchronous code.
///
/// MetaTune's `Storage` is synchronous and may be called from any thread, Swift concurrency's
/// included; postgres-nio's own pool (`PostgresClient`) is async-only, and blocking a cooperative
/// thread on it can starve the very threads it needs. Connections are therefore postgres-nio
/// `PostgresConnection`s driven through their event-loop futures, whose work runs on NIO's
/// threads: waiting for them never deadlocks. At most `size` connections exist; a caller waits
/// for a free one. A connection that failed is closed, not reused.
final class PostgresConnectionPool: @unchecked Sendable {
    private let configuration: PostgresConnection.Configuration
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger
    private let statementTimeout: TimeAmount
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var idle: [PostgresConnection] = []
    private var nextID = 0

    init(location: PostgresLocation, password: String?, logger: Logger) {
        var configuration = PostgresConnection.Configuration(host: location.host, port: location.port, username: location.user,
                                                             password: password, database: location.database, tls: .disable)
        configuration.options.connectTimeout = .milliseconds(Int64(location.connectTimeout * 1000))
        // A runner whose host vanishes inside a transaction must not hold its locks (the study
        // row's among them) until the server notices the dead connection.
        configuration.options.additionalStartupParameters = [
            ("idle_in_transaction_session_timeout", String(Int(max(location.statementTimeout, 1) * 2000))),
        ]
        self.configuration = configuration
        self.logger = logger
        statementTimeout = .milliseconds(Int64(location.statementTimeout * 1000))
        slots = DispatchSemaphore(value: location.poolSize)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    deinit {
        let closings = idle.map { connection -> EventLoopFuture<Void> in connection.close() }
        if MultiThreadedEventLoopGroup.currentEventLoop == nil {
            for closing in closings { try? closing.wait() }
            try? group.syncShutdownGracefully()
        } else {
            let group = self.group
            EventLoopFuture.andAllComplete(closings, on: group.next()).whenComplete { _ in group.shutdownGracefully { _ in } }
        }
    }

    /// Runs `body` with a connection of the pool (waiting for one when all are in use).
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        slots.wait()
        defer { slots.signal() }
        let connection = try checkout()
        do {
            let result = try body(connection)
            lock.withLock { idle.append(connection) }
            return result
        } catch {
            if PostgresFailure.losesConnection(error) || connection.isClosed {
                Self.drop(connection)
            } else {
                lock.withLock { idle.append(connection) }
            }
            throw error
        }
    }

    /// Runs one statement on `connection`; when no answer comes within the statement timeout
    /// the connection is closed (the answer may be lost on a dead link) and `StatementTimedOut`
    /// is thrown.
    func run(_ query: PostgresQuery, on connection: PostgresConnection) throws -> PostgresQueryResult {
        let timedOut = TimeoutFlag()
        let timer = connection.eventLoop.scheduleTask(in: statementTimeout) {
            timedOut.raise()
            Self.drop(connection)
        }
        defer { timer.cancel() }
        do {
            return try connection.query(query, logger: logger).wait()
        } catch {
            if timedOut.isRaised { throw StatementTimedOut() }
            throw error
        }
    }

    /// Closes every idle connection (those in use close when they are given back broken).
    func closeIdle() {
        let connections = lock.withLock { () -> [PostgresConnection] in
            defer { idle.removeAll() }
            return idle
        }
        for connection in connections { Self.drop(connection) }
    }

    /// Closes a connection without waiting (its event loop finishes the work).
    private static func drop(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        // The connection must live until it is closed (postgres-nio checks).
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    private func checkout() throws -> PostgresConnection {
        while let connection = lock.withLock({ idle.popLast() }) {
            if !connection.isClosed { return connection }
        }
        let id = lock.withLock { () -> Int in
            nextID += 1
            return nextID
        }
        // The TCP connect has its own timeout; the handshake after it may hang on a dead link,
        // so the whole connect gets that timeout plus the statement timeout. Both callbacks run
        // on `loop`, which keeps the promise from being completed twice.
        let loop = group.next()
        let promise = loop.makePromise(of: PostgresConnection.self)
        let settled = TimeoutFlag()
        let timer = loop.scheduleTask(in: configuration.options.connectTimeout + statementTimeout) {
            guard !settled.isRaised else { return }
            settled.raise()
            promise.fail(StatementTimedOut())
        }
        PostgresConnection.connect(on: loop, configuration: configuration, id: id, logger: logger).whenComplete { result in
            guard !settled.isRaised else {
                if case .success(let late) = result { Self.drop(late) }
                return
            }
            settled.raise()
            timer.cancel()
            promise.completeWith(result)
        }
        return try promise.futureResult.wait()
    }
}

/// Set once, from an event-loop thread, read by the waiting caller.
private final class TimeoutFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    func raise() { lock.withLock { raised = true } }
    var isRaised: Bool { lock.withLock { raised } }
}
