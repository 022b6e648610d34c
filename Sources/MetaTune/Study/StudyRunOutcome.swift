import Foundation

/// What one `StudyRunner` run did.
public struct StudyRunOutcome: Sendable {
    /// The states of the trials this run finished, in the order they finished.
    public let finishedHere: [TrialState]
    /// Whether the run was stopped (its `StopFlag` raised) before it was done.
    public let interrupted: Bool
    /// The trials dead workers had left running, failed before the run's first trial.
    public let orphansFailed: [FrozenTrial]
    /// Under a scheduler: its plan and the resource the run spent.
    public let plan: SchedulerPlan?
    public let usage: SchedulerUsage?

    /// Why the run has no result, or nil when it has one. It has none when none of the trials it
    /// finished completed — unless they were pruned while the study holds complete or running
    /// trials of other runners (a scheduler or pruner stopping this runner's trials early in
    /// favour of theirs is normal then) — or when, having had nothing left to run, the study
    /// holds no complete trial either.
    public func missingResult(in study: Study) throws -> String? {
        guard !finishedHere.contains(.complete) else { return nil }
        let trials = try study.history().trials
        let studyCompleted = trials.contains { $0.state == .complete }
        let othersGoOn = studyCompleted || trials.contains { $0.state == .running }
        if !finishedHere.isEmpty {
            if othersGoOn && finishedHere.contains(.pruned) { return nil }
            return "this run finished \(finishedHere.count) trial\(finishedHere.count == 1 ? "" : "s") (\(TrialState.tally(finishedHere)))"
        }
        guard !studyCompleted else { return nil }
        guard !trials.isEmpty else { return "study '\(study.name)' holds no trial" }
        return "study '\(study.name)' holds \(trials.count) trial\(trials.count == 1 ? "" : "s") (\(TrialState.tally(trials.map(\.state))))"
    }
}

extension TrialState {
    /// How many of `states` are in each state, in the states' order: "3 complete, 1 failed".
    public static func tally(_ states: [TrialState]) -> String {
        allCases.compactMap { state -> String? in
            let count = states.filter { $0 == state }.count
            return count > 0 ? "\(count) \(state.rawValue)" : nil
        }.joined(separator: ", ")
    }
}
