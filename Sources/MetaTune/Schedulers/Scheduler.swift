import Foundation

/// A multi-fidelity or population-based scheduler: it decides which trials train how far, pausing,
/// resuming, stopping or copying them, where `optimize` runs every trial to the end. Successive
/// halving and Hyperband (`SynchronousHyperband`), ASHA (`AsynchronousHyperband`) and PBT
/// (`PopulationBasedTraining`) implement it; `SchedulerSettings.makeScheduler()` builds one by kind.
///
/// A run is planned first (how many trials it starts, what it spends, a line that says so), then
/// run: the objective trains runs that can pause and resume (`PopulationObjective`).
public protocol Scheduler: Sendable {
    /// Plans a run of at most `trials` new trials that stops before spending more than `budget`
    /// (nil: no budget); `unit` names the resource in the plan's summary ("epochs", "steps").
    func plan<Objective: PopulationObjective>(trials: Int, budget: Int?, objective: Objective, unit: String) throws -> SchedulerPlan

    /// Runs a plan on `study`, `concurrency` trials at a time. `stop` is checked between steps
    /// (paused trials are then recorded as interrupted); `onTrialFinished` sees every trial as it
    /// finishes. Returns the resource spent.
    func run<Objective: PopulationObjective>(study: Study, objective: Objective, plan: SchedulerPlan, concurrency: Int,
                                             stop: @escaping @Sendable () -> Bool,
                                             onTrialFinished: @escaping (FrozenTrial) -> Void) throws -> SchedulerUsage
}

/// What a scheduler will do in one run.
public struct SchedulerPlan: Sendable, Equatable {
    /// The new trials the run starts at most.
    public let trials: Int
    /// The resource the run stops before exceeding (nil: none).
    public let budget: Int?
    /// Whether the budget, not `trials`, is expected to decide how many trials start (ASHA with a
    /// budget hands out trials while the budget lasts).
    public let budgetDecidesTrials: Bool
    /// One line for people, without the scheduler's name: its brackets, rungs or population and
    /// what the run will start.
    public let summary: String

    public init(trials: Int, budget: Int?, budgetDecidesTrials: Bool = false, summary: String) {
        self.trials = trials
        self.budget = budget
        self.budgetDecidesTrials = budgetDecidesTrials
        self.summary = summary
    }
}
