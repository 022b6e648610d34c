import Foundation
import MetaTune
import Neural

/// A built-in task as a `PopulationObjective`: each trial's network trains in a `TrainingSession`
/// that schedulers advance epoch by epoch (the resource is epochs), reporting the learning curve;
/// population-based training copies a session's weights and optimizer state into another.
public struct ResumableTraining: PopulationObjective {
    /// The parameters that can change between epochs without changing the network.
    public static let mutableParameters: Set<String> = ["learning_rate", "weight_decay", "batch_size"]

    public let task: BuiltinTask
    public let space: SearchSpace

    public init(task: BuiltinTask, space: SearchSpace) {
        self.task = task
        self.space = space
    }

    public func start(_ trial: Trial) throws -> TrainingSession {
        try task.makeSession(try trial.suggest(space: space), seed: UInt64(trial.number))
    }

    public func advance(_ session: TrainingSession, of trial: Trial, to resource: Int) throws -> Double {
        try session.advance(toEpoch: resource) { report in
            try trial.report(task.learningCurveValue(report), step: report.epoch)
        }
        return task.objective(of: session.reports)
    }

    public func isMutable(_ name: String) -> Bool { Self.mutableParameters.contains(name) }

    public func exploit(_ donor: TrainingSession, for trial: Trial, params: [String: ParamValue]) throws -> TrainingSession {
        let session = try task.makeSession(params, seed: UInt64(trial.number))
        try session.adopt(donor)
        return session
    }
}
