import Foundation
import XCTest

/// Runs the built `metatune` executable as a child process, as a user would.
struct CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// The `metatune` binary next to the test bundle (built by `swift build --build-tests`).
    static var binary: URL {
        var directory = Bundle(for: BundleToken.self).bundleURL
        while directory.pathExtension == "xctest" || directory.lastPathComponent == "Contents" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("metatune")
    }

    let workingDirectory: URL

    /// Starts `metatune ARGS` and returns the running process with its output pipes.
    func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.currentDirectoryURL = workingDirectory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Runs `metatune ARGS` to completion.
    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let (process, out, err) = try start(arguments, environment: environment)
        let collector = OutputCollector(out: out, err: err)
        process.waitUntilExit()
        let (stdout, stderr) = collector.finish()
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

/// Drains both pipes on background threads so a chatty child never blocks.
final class OutputCollector: @unchecked Sendable {
    private var outData = Data()
    private var errData = Data()
    private let group = DispatchGroup()

    init(out: Pipe, err: Pipe) {
        for (pipe, isOut) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                if isOut { self.outData = data } else { self.errData = data }
                self.group.leave()
            }
        }
    }

    func finish() -> (String, String) {
        group.wait()
        return (String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}

private final class BundleToken {}
