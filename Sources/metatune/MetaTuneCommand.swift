import ArgumentParser
import Foundation
import MetaTune
import MetaTuneNumerics

@main
struct MetaTuneCommand: ParsableCommand {
    /// MetaTune's version, printed by `metatune --version`.
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "metatune",
        abstract: "Hyperparameter optimization that learns from every study.",
        version: version,
        subcommands: [TuneCommand.self, RunCommand.self, StudyCommand.self, ReportCommand.self, DashboardCommand.self, MetaCommand.self, FewShotCommand.self, TextCommand.self, BenchCommand.self, DemoCommand.self]
    )

    /// Parses and runs the command. Help and the version print as argument-parser prints them;
    /// any other error it reports (a bad command line, or a `UsageError` from `validate()`)
    /// becomes one line that points to the command's `--help`.
    static func main() {
        // MetaTune's matrices (the GP's, the engine's blocks) are small: BLAS threads only add
        // hand-off costs and spin a core. `--threads` gives the engine its own threads.
        BLAS.setThreads(1)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let status = exitCode(for: error)
            if status == .success { exit(withError: error) }
            let text = oneLine(message(for: error))
            if text.isEmpty { Foundation.exit(status.rawValue) }
            usageError(text, status: status.rawValue)
        }
    }

    /// argument-parser's refusal of a value as one line: its bulleted list of the valid values
    /// ("Please provide one of the following:\n  - a\n  - b") becomes "expected one of: a, b".
    static func oneLine(_ message: String) -> String {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = lines.first else { return "" }
        let values = lines.dropFirst().filter { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) }
        guard !values.isEmpty else { return lines.joined(separator: " ") }
        var lead = first.replacingOccurrences(of: " Please provide one of the following:", with: "")
        if lead.hasSuffix(".") { lead.removeLast() }
        return lead + " (expected one of: " + values.joined(separator: ", ") + ")"
    }

    /// The command typed, e.g. `metatune meta compare`: the leading arguments that name subcommands.
    static func typedCommand(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> String {
        var command: ParsableCommand.Type = MetaTuneCommand.self
        var words = ["metatune"]
        for argument in arguments {
            guard let subcommand = command.configuration.subcommands.first(where: { $0._commandName == argument }) else { break }
            words.append(argument)
            command = subcommand
        }
        return words.joined(separator: " ")
    }
}

/// A bad argument found by a command's `validate()`. Thrown rather than exiting, so that
/// argument-parser still answers `--help`; `MetaTuneCommand.main` reports it with `usageError`.
struct UsageError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Exits with a clear one-line message on standard error (`plainMessage`); a `UsageError` also
/// points to the command's `--help`.
func failClearly(_ error: Error) -> Never {
    if let usage = error as? UsageError { usageError(usage.description) }
    FileHandle.standardError.write(Data("error: \(plainMessage(for: error))\n".utf8))
    Foundation.exit(1)
}

/// One line in plain words for any error: MetaTune's own errors as they describe themselves; a
/// Foundation file error (which would print as "Error Domain=NSCocoaErrorDomain Code=4 …") as
/// its file and the system's reason.
func plainMessage(for error: Error) -> String {
    let bridged = error as NSError
    guard bridged.domain == NSCocoaErrorDomain || bridged.domain == NSPOSIXErrorDomain else {
        return "\(error)".replacingOccurrences(of: "\n", with: " ")
    }
    var reason = bridged.localizedDescription
    if let underlying = bridged.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
        reason = String(cString: strerror(Int32(underlying.code)))
    } else if bridged.domain == NSPOSIXErrorDomain {
        reason = String(cString: strerror(Int32(bridged.code)))
    }
    let path = bridged.userInfo[NSFilePathErrorKey] as? String ?? (bridged.userInfo[NSURLErrorKey] as? URL)?.path
    return path.map { "'\($0)': \(reason)" } ?? reason
}

/// Exits with one line for a bad argument, pointing to the typed command's `--help`
/// (e.g. "error: --trials must be a positive whole number, got -3. See 'metatune run --help'.").
func usageError(_ message: String, status: Int32 = 1) -> Never {
    let sentence = message.hasSuffix(".") ? message : message + "."
    FileHandle.standardError.write(Data("error: \(sentence) See '\(MetaTuneCommand.typedCommand()) --help'.\n".utf8))
    Foundation.exit(status)
}
