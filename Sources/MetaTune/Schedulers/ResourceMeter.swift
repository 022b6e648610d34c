import Foundation

/// The resource a scheduled run has used so far: one unit per learning-curve step of its trials,
/// against the maximum resource for every trial it started (and the run's budget, if any).
public struct ResourceMeter: Sendable {
    /// The run's first trial number: earlier trials are not the run's.
    public let firstTrial: Int
    public let maxResource: Int
    /// What the resource counts ("epochs", "steps").
    public let unit: String
    public let budget: Int?

    public init(firstTrial: Int, maxResource: Int, unit: String, budget: Int?) {
        self.firstTrial = firstTrial
        self.maxResource = maxResource
        self.unit = unit
        self.budget = budget
    }

    /// A line of progress detail ("epochs 46/180 at full budget") and how much of the budget is
    /// used (nil without one).
    public func measure(_ trials: [FrozenTrial]) -> (detail: String, shareOfBudget: Double?) {
        let mine = trials.filter { $0.number >= firstTrial }
        let used = mine.reduce(0) { $0 + $1.intermediateValues.count }
        let detail = "\(unit) \(used)/\(mine.count * maxResource) at full budget" + (budget.map { " (budget \($0))" } ?? "")
        return (detail, budget.flatMap { $0 > 0 ? min(1, Double(used) / Double($0)) : nil })
    }
}
