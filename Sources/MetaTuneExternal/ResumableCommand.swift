import Foundation
import MetaTune

/// An external command as an objective that schedulers stop, resume and copy: each call trains
/// the trial up to a resource given as `{resource}` (the command reports its learning curve as
/// `{"step": k, "value": v}` lines, one step per unit of resource).
///
/// With `{checkpoint}` and `{restore}` in the command, each call saves the run's state at
/// `{checkpoint}` and the next call of the same trial resumes from it (`{restore}`; empty on the
/// first call); population-based training copies a better member's checkpoint. Without them a
/// promoted trial trains again from the start, and the resource it spends counts in full.
public struct ResumableCommand: PopulationObjective {
    /// A trial's training run: its current parameters and latest checkpoint.
    public final class Run {
        public fileprivate(set) var params: [String: ParamValue]
        public fileprivate(set) var checkpoint: String?
        fileprivate var calls = 0

        fileprivate init(params: [String: ParamValue], checkpoint: String?, calls: Int = 0) {
            self.params = params
            self.checkpoint = checkpoint
            self.calls = calls
        }
    }

    public let command: CommandObjective
    public let space: SearchSpace
    /// Where checkpoints are written: `trial-N-K` for the K-th call of trial N.
    public let checkpointDirectory: URL

    public init(command: CommandObjective, space: SearchSpace, checkpointDirectory: URL) throws {
        guard command.template.uses("resource") else {
            throw CommandError("a scheduler needs {resource} in the command: the resource (e.g. epochs) to train up to")
        }
        if command.template.uses("checkpoint") != command.template.uses("restore") {
            throw CommandError("give both {checkpoint} and {restore} (the state to save, and the state to resume from), or neither")
        }
        self.command = command
        self.space = space
        self.checkpointDirectory = checkpointDirectory
    }

    /// Whether the command saves and restores its state.
    public var resumes: Bool { command.template.uses("checkpoint") }

    public func start(_ trial: Trial) throws -> Run {
        Run(params: try trial.suggest(space: space), checkpoint: nil)
    }

    public func advance(_ run: Run, of trial: Trial, to resource: Int) throws -> Double {
        var scheduling = ["resource": String(resource)]
        var target: URL?
        if resumes {
            try FileManager.default.createDirectory(at: checkpointDirectory, withIntermediateDirectories: true)
            run.calls += 1
            let path = checkpointDirectory.appendingPathComponent("trial-\(trial.number)-\(run.calls)")
            scheduling["checkpoint"] = path.path
            scheduling["restore"] = run.checkpoint ?? ""
            target = path
        }
        let value = try command.evaluate(trial, params: run.params, scheduling: scheduling)
        if let target {
            guard FileManager.default.fileExists(atPath: target.path) else {
                throw CommandError("the command wrote no checkpoint at \(target.path) (the path given as {checkpoint})")
            }
            if let previous = run.checkpoint { try? FileManager.default.removeItem(atPath: previous) }
            run.checkpoint = target.path
        }
        return value
    }

    /// How many times the run was advanced and, when the command keeps checkpoints, its latest
    /// checkpoint's name in the checkpoint folder: enough for a runner on another host whose
    /// `--checkpoint-dir` is the same shared folder to resume it.
    public func handover(of run: Run) -> JSONValue? {
        var record: [String: JSONValue] = ["calls": .number(Double(run.calls))]
        if let checkpoint = run.checkpoint { record["checkpoint"] = .string(URL(fileURLWithPath: checkpoint).lastPathComponent) }
        return .object(record)
    }

    /// Resumes a trial another runner paused from its checkpoint in this runner's checkpoint
    /// folder, which must be the one that runner wrote to (a shared mount across hosts).
    public func resume(_ trial: Trial, from handover: JSONValue) throws -> Run {
        guard case .number(let calls)? = handover["calls"], calls >= 0, calls == calls.rounded() else {
            throw CommandError("trial \(trial.number)'s hand-over record \(handover) has no number of calls")
        }
        guard resumes else { return Run(params: trial.params, checkpoint: nil, calls: Int(calls)) }
        guard case .string(let name)? = handover["checkpoint"], !name.isEmpty, !name.contains("/"), name != "..", name != "." else {
            throw CommandError("trial \(trial.number) was paused without a checkpoint to resume from")
        }
        let path = checkpointDirectory.appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandError("trial \(trial.number)'s checkpoint \(name) is not in the checkpoint folder \(checkpointDirectory.path): "
                + "runners on several hosts need a --checkpoint-dir they all share")
        }
        return Run(params: trial.params, checkpoint: path, calls: Int(calls))
    }

    /// Floats may change mid-run; integers and choices (often the model's shape) are copied.
    public func isMutable(_ name: String) -> Bool {
        if case .float? = space[name]?.distribution { return true }
        return false
    }

    public func exploit(_ donor: Run, for trial: Trial, params: [String: ParamValue]) throws -> Run {
        guard resumes, let source = donor.checkpoint else {
            throw CommandError("population-based training needs {checkpoint} and {restore} in the command, to copy a better trial's state")
        }
        let copy = checkpointDirectory.appendingPathComponent("trial-\(trial.number)-copy-\(UUID().uuidString.prefix(8))")
        try FileManager.default.copyItem(atPath: source, toPath: copy.path)
        removeCheckpoints(ofTrial: trial.number, except: copy.lastPathComponent)
        return Run(params: params, checkpoint: copy.path)
    }

    /// Deletes the checkpoints a trial's replaced run left behind.
    private func removeCheckpoints(ofTrial number: Int, except kept: String) {
        let prefix = "trial-\(number)-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: checkpointDirectory.path)) ?? []
        for name in names where name.hasPrefix(prefix) && name != kept {
            try? FileManager.default.removeItem(at: checkpointDirectory.appendingPathComponent(name))
        }
    }
}
