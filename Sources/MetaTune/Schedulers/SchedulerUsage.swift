import Foundation

/// What a scheduler run spent.
public struct SchedulerUsage: Sendable, Equatable {
    /// The resource spent, counting each resumed trial's earlier resource once.
    public var resource = 0
    /// What the same trials would have cost at the maximum resource each.
    public var fullBudgetEquivalent = 0
    public var trialsStarted = 0

    public init(resource: Int = 0, fullBudgetEquivalent: Int = 0, trialsStarted: Int = 0) {
        self.resource = resource
        self.fullBudgetEquivalent = fullBudgetEquivalent
        self.trialsStarted = trialsStarted
    }
}
