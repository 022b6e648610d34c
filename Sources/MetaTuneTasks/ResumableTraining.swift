import Foundation
import MetaTune
import Neural

/// A built-in task as a `ResumableObjective`: each trial's network trains in a `TrainingSession`
/// that schedulers advance epoch by epoch (the resource is epochs), reporting the learning curve.
public struct ResumableTraining: ResumableObjective {
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
}
