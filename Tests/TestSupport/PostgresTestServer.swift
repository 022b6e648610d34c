import Foundation
import XCTest

/// A throw-away PostgreSQL server for the tests of one test process (scripts/postgres-server.sh):
/// started on first use in a temporary folder on a free loopback port, stopped when the test
/// bundle finishes. When PostgreSQL is not installed the tests that need it are skipped — unless
/// `METATUNE_REQUIRE_POSTGRES=1` (as `make test` sets, after installing it), when they fail.
public final class PostgresTestServer: @unchecked Sendable {
    /// The URL of the server's `metatune` database (with its password).
    public let url: String
    private let directory: String
    private static let lock = NSLock()
    nonisolated(unsafe) private static var started: PostgresTestServer?
    nonisolated(unsafe) private static var failure: String?

    /// The repository's root, for its scripts.
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    private init(url: String, directory: String) {
        self.url = url
        self.directory = directory
    }

    /// The server of this test process, started if needed; skips (or fails, when required) the
    /// calling test when it cannot start.
    public static func shared() throws -> PostgresTestServer {
        try lock.withLock {
            if let started { return started }
            if let failure { throw unavailable(failure) }
            do {
                let server = try start()
                started = server
                // Stopped when the test process exits (XCTest exits through `exit`).
                atexit { PostgresTestServer.stopStarted() }
                return server
            } catch {
                failure = "\(error)"
                throw unavailable("\(error)")
            }
        }
    }

    /// Empties the database: every MetaTune table is dropped, so the next storage opened on
    /// `url` starts from nothing.
    public func reset() throws {
        try Self.shell(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-c", """
            DROP TABLE IF EXISTS metatune_intermediate_values, metatune_trials, metatune_distributions,
                                 metatune_studies, metatune_schema CASCADE
            """])
    }

    /// Runs `script` (SQL) on the database with psql and returns what it prints (unaligned, tuples only).
    @discardableResult
    public func psql(_ script: String) throws -> String {
        try Self.shell(["psql", url, "-qAt", "-v", "ON_ERROR_STOP=1", "-c", script])
    }

    /// Runs scripts/postgres-server.sh with `arguments` after the folder (`restart`, `pause N`).
    @discardableResult
    public func control(_ command: String, _ arguments: [String] = []) throws -> String {
        try Self.shell([Self.script, command, directory] + arguments)
    }

    private static func stopStarted() {
        guard let server = lock.withLock({ started }) else { return }
        _ = try? shell([script, "stop", server.directory])
    }

    private static var script: String { repositoryRoot.appendingPathComponent("scripts/postgres-server.sh").path }

    private static func start() throws -> PostgresTestServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metatune-pg-\(UUID().uuidString.prefix(8))").path
        let url = try shell([script, "start", directory, "--fast"]).trimmingCharacters(in: .whitespacesAndNewlines)
        guard url.hasPrefix("postgresql://") else { throw ServerError(message: "the server script printed no URL: \(url)") }
        return PostgresTestServer(url: url, directory: directory)
    }

    private static func unavailable(_ reason: String) -> Error {
        if ProcessInfo.processInfo.environment["METATUNE_REQUIRE_POSTGRES"] == "1" {
            return ServerError(message: "PostgreSQL is required (METATUNE_REQUIRE_POSTGRES=1) but could not start: \(reason)")
        }
        return XCTSkip("no PostgreSQL server for the tests (scripts/install-postgres.sh installs one): \(reason)")
    }

    @discardableResult
    private static func shell(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ServerError(message: "\(arguments.first ?? "") \(arguments.dropFirst().first ?? ""): exit \(process.terminationStatus): \(problems.suffix(800))")
        }
        return text
    }

    private struct ServerError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}
