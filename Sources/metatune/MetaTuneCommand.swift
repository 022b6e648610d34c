import ArgumentParser
import Foundation
import MetaTune

@main
struct MetaTuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metatune",
        abstract: "Hyperparameter optimization that learns from every study.",
        subcommands: [TuneCommand.self, RunCommand.self, StudyCommand.self, MetaCommand.self, BenchCommand.self, DemoCommand.self]
    )
}

/// Exits with a clear one-line message on standard error for the errors MetaTune raises itself.
func failClearly(_ error: Error) -> Never {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    Foundation.exit(1)
}

/// Exits with one clear line for a bad argument (argument-parser's own errors add the usage).
func usageError(_ message: String) -> Never {
    failClearly(StudyError.invalidArgument(message))
}
