import Foundation

/// An objective whose trials a scheduler can pause and resume: a trial starts at resource 0 and
/// is advanced, step by step, to more resource (e.g. training epochs), reporting its learning
/// curve to its trial as it goes.
public protocol ResumableObjective {
    associatedtype Run
    /// Starts `trial` (suggesting its parameters) without spending any resource.
    func start(_ trial: Trial) throws -> Run
    /// Continues `run` until it has used `resource` in all; returns the trial's objective value
    /// at that point.
    func advance(_ run: Run, of trial: Trial, to resource: Int) throws -> Double
    /// Whether a run resumes where it paused (true) or trains again from the start each time it
    /// is advanced, so that the whole resource counts again.
    var resumes: Bool { get }
    /// What another runner sharing the study's storage needs to resume the paused `run` (say,
    /// the name of its checkpoint in a folder every runner reaches), or nil when the run lives
    /// only in this process's memory. ASHA stores it on the paused trial and hands the trial to
    /// whichever runner promotes it.
    func handover(of run: Run) -> JSONValue?
    /// The run of `trial`, paused by another runner, resumed from what its `handover(of:)` gave.
    func resume(_ trial: Trial, from handover: JSONValue) throws -> Run
}

extension ResumableObjective {
    public var resumes: Bool { true }

    /// Runs live in memory: no other runner can resume them.
    public func handover(of run: Run) -> JSONValue? { nil }

    public func resume(_ trial: Trial, from handover: JSONValue) throws -> Run {
        throw StudyError.invalidArgument("trial \(trial.number) was paused by another runner, and this objective cannot resume another runner's trials")
    }

    /// The resource that advancing a run from `used` to `resource` spends.
    func cost(from used: Int, to resource: Int) -> Int { resumes ? resource - used : resource }
}

/// A resumable objective whose runs can also continue from another run's state with new
/// hyperparameters — what population-based training needs.
public protocol PopulationObjective: ResumableObjective {
    /// Whether explore may change parameter `name` in the middle of a run (a learning rate can
    /// change between epochs; a network's width cannot). Others are copied, never perturbed.
    func isMutable(_ name: String) -> Bool
    /// A run for `trial` that continues from a copy of `donor`'s state (weights, optimizer,
    /// progress) with `params` as its hyperparameters from now on.
    func exploit(_ donor: Run, for trial: Trial, params: [String: ParamValue]) throws -> Run
}
