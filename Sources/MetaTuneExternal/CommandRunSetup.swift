import Foundation
import MetaTune

/// An external command made ready to tune a search space, as `metatune run` makes it: the
/// command's placeholders checked against the space (and, without a scheduler, against the
/// placeholders only a scheduler fills), its program found, and its objective for trials run to
/// the end or under a scheduler.
public struct CommandRunSetup: Sendable {
    public let template: CommandTemplate
    public let space: SearchSpace
    /// Seconds a trial may run (nil: no limit).
    public let timeout: TimeInterval?
    /// Raised to stop the running commands.
    public let stop: StopFlag

    /// Why a command cannot run as asked.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        /// `{resource}`, `{checkpoint}` or `{restore}` without a scheduler to fill it.
        case placeholderNeedsScheduler(String)
        /// The command keeps checkpoints, but its study's storage has no folder beside it.
        case noDefaultCheckpointFolder(StorageURL)
        /// Population-based training copies states: the command must save and restore one.
        case populationNeedsCheckpoints

        public var description: String {
            switch self {
            case .placeholderNeedsScheduler(let name):
                return "the placeholder {\(name)} is filled only when a scheduler runs the trials: without one it would be empty"
            case .noDefaultCheckpointFolder(let storage):
                return "a study in \(storage) has no default checkpoint folder: name one for the checkpoints"
            case .populationNeedsCheckpoints:
                return "population-based training needs {checkpoint} and {restore} in the command, to copy a better trial's state"
            }
        }
    }

    /// Checks `arguments` (the program, then its arguments with placeholders) for a run over
    /// `space`; `scheduled` says whether a scheduler runs the trials.
    public init(arguments: [String], space: SearchSpace, scheduled: Bool, timeout: TimeInterval? = nil,
                stop: StopFlag = StopFlag()) throws {
        let template = try CommandTemplate(arguments: arguments, parameterNames: Set(space.parameters.map(\.name)))
        if !scheduled {
            // Without a scheduler these would silently become empty (no parameter may take their names).
            for name in ["resource", "checkpoint", "restore"] where template.uses(name) {
                throw Refusal.placeholderNeedsScheduler(name)
            }
        }
        try ExecutableLookup.check(arguments[0])
        self.template = template
        self.space = space
        self.timeout = timeout
        self.stop = stop
    }

    /// The objective of a trial run to the end: the space sampled, then the command run.
    public var objective: CommandObjective { CommandObjective(template: template, timeout: timeout, stop: stop) }

    /// The objective a scheduler runs for `study` in `storage`: checkpoints go to the study's own
    /// folder inside `checkpointFolder` (so that studies sharing it never meet), by default beside
    /// a SQLite storage (`CheckpointFolder`). PBT needs a
    /// command that saves and restores its state.
    public func resumable(study: Study, storage: StorageURL, checkpointFolder: String?, scheduler: SchedulerKind) throws -> ResumableCommand {
        let directory: URL
        if let checkpointFolder {
            directory = CheckpointFolder.folder(studyID: study.id, name: study.name, in: URL(fileURLWithPath: checkpointFolder, isDirectory: true))
        } else if let path = storage.sqlitePath {
            directory = CheckpointFolder.folder(studyID: study.id, name: study.name, storagePath: path)
        } else if template.uses("checkpoint") {
            throw Refusal.noDefaultCheckpointFolder(storage)
        } else {
            directory = URL(fileURLWithPath: NSTemporaryDirectory())  // never written: the command keeps no checkpoints
        }
        let resumable = try ResumableCommand(command: objective, space: space, checkpointDirectory: directory)
        if scheduler == .pbt && !resumable.resumes {
            throw Refusal.populationNeedsCheckpoints
        }
        return resumable
    }
}

/// Checks up front that a command's program can be started.
public enum ExecutableLookup {
    /// Throws unless `program` (a path, or a name looked up on `PATH`) is an executable file.
    public static func check(_ program: String) throws {
        let manager = FileManager.default
        if program.contains("/") {
            guard manager.isExecutableFile(atPath: program) else {
                throw CommandError("cannot run '\(program)': no such executable file")
            }
            return
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where manager.isExecutableFile(atPath: "\(directory)/\(program)") {
            return
        }
        throw CommandError("cannot run '\(program)': not found on PATH")
    }
}
