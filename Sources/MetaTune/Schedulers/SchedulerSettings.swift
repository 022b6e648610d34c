import Foundation

/// The schedulers MetaTune has, by name (the catalog: `SchedulerSettings.makeScheduler()` builds them).
public enum SchedulerKind: String, CaseIterable, Sendable {
    /// Successive halving: Hyperband's most aggressive bracket, over and over.
    case sha
    /// Hyperband: every bracket of successive halving in turn.
    case hyperband
    /// Asynchronous successive halving: promotions without waiting for a rung to fill.
    case asha
    /// Hyperband whose new configurations come from BOHB's model (`BudgetModelSampler`).
    case bohb
    /// Population-based training.
    case pbt

    /// Whether a budget may replace the number of trials (the budget then decides how many start).
    public var budgetMayDecideTrials: Bool { self == .hyperband || self == .asha || self == .bohb }

    /// Whether the scheduler takes a resource budget at all (PBT trains every member to the maximum).
    public var takesBudget: Bool { self != .pbt }

    /// Whether the scheduler brings its own sampler (BOHB's model) instead of the study's.
    public var hasOwnSampler: Bool { self == .bohb }
}

/// Why scheduler settings were refused. The descriptions speak of values; a command line maps
/// each case to its own options.
public enum SchedulerSettingsError: Error, Equatable, CustomStringConvertible {
    case minResourceOutOfRange(minResource: Int, maxResource: Int)
    case reductionFactorTooSmall(Double)
    case intervalOutOfRange(interval: Int, maxResource: Int)
    case budgetNotTaken(SchedulerKind)
    case budgetBelowMinResource(budget: Int, minResource: Int)
    case trialsNotPositive(Int)
    case trialsRequired
    case populationTooSmall(Int)
    case budgetBelowCheapestBracket(budget: Int, cheapestBracket: Int, unit: String)

    public var description: String {
        switch self {
        case let .minResourceOutOfRange(minResource, maxResource):
            return "the minimum resource must be between 1 and the maximum resource (\(maxResource)), got \(minResource)"
        case let .reductionFactorTooSmall(factor):
            return "the reduction factor must be at least 2, got \(String(format: "%g", factor))"
        case let .intervalOutOfRange(interval, maxResource):
            return "the PBT interval must be between 1 and the maximum resource (\(maxResource)), got \(interval)"
        case let .budgetNotTaken(kind):
            return "a budget does not apply to \(kind.rawValue): its population trains the full maximum resource each"
        case let .budgetBelowMinResource(budget, minResource):
            return "the budget must be at least the minimum resource (\(minResource)), got \(budget)"
        case let .trialsNotPositive(trials):
            return "the number of trials must be a positive whole number, got \(trials)"
        case .trialsRequired:
            return "a number of trials is required (it may be left out only for hyperband, asha or bohb with a budget)"
        case let .populationTooSmall(trials):
            return "pbt needs a population of at least 2, got \(trials)"
        case let .budgetBelowCheapestBracket(budget, cheapestBracket, unit):
            return "the budget of \(budget) \(unit) is less than the cheapest bracket's \(cheapestBracket) \(unit)"
        }
    }
}

/// A scheduler and its settings: what `tune --scheduler` and `run --scheduler` configure, and
/// what a Swift program fills in to get the same scheduler.
public struct SchedulerSettings: Sendable, Equatable {
    public var kind: SchedulerKind
    /// The resource a trial trains to at most (epochs, steps).
    public var maxResource: Int
    /// The smallest resource a trial gets (sha, hyperband, asha, bohb).
    public var minResource = 1
    /// η: each rung keeps 1/η of the trials and gives them η times the resource.
    public var reductionFactor = 3.0
    /// PBT's resource between two exploit-and-explore steps (nil: a tenth of the maximum, at least 1).
    public var interval: Int?
    /// The total resource the run may spend (sha, hyperband, asha, bohb).
    public var budget: Int?
    public var seed: UInt64 = 0

    public init(kind: SchedulerKind, maxResource: Int) {
        self.kind = kind
        self.maxResource = maxResource
    }

    /// Checks the settings against each other (the maximum resource must be at least 1).
    public func validate() throws {
        guard maxResource >= 1 else { throw StudyError.invalidArgument("the maximum resource must be at least 1, got \(maxResource)") }
        guard minResource >= 1, minResource <= maxResource else {
            throw SchedulerSettingsError.minResourceOutOfRange(minResource: minResource, maxResource: maxResource)
        }
        guard reductionFactor >= 2, reductionFactor.isFinite else { throw SchedulerSettingsError.reductionFactorTooSmall(reductionFactor) }
        if let interval, interval < 1 || interval > maxResource {
            throw SchedulerSettingsError.intervalOutOfRange(interval: interval, maxResource: maxResource)
        }
        if let budget {
            guard kind.takesBudget else { throw SchedulerSettingsError.budgetNotTaken(kind) }
            guard budget >= minResource else { throw SchedulerSettingsError.budgetBelowMinResource(budget: budget, minResource: minResource) }
        }
    }

    /// The number of trials to run: `trials` when given; left out, as many as the budget could
    /// start under hyperband, asha or bohb (every trial costs at least the minimum resource), so
    /// the budget alone decides. PBT's population must be at least 2.
    public func trialCount(_ trials: Int?) throws -> Int {
        if let trials {
            guard trials >= 1 else { throw SchedulerSettingsError.trialsNotPositive(trials) }
            if kind == .pbt && trials < 2 { throw SchedulerSettingsError.populationTooSmall(trials) }
            return trials
        }
        guard kind.budgetMayDecideTrials, let budget else { throw SchedulerSettingsError.trialsRequired }
        return max(1, budget / minResource)
    }

    /// PBT's exploit-and-explore interval.
    public var pbtInterval: Int { interval ?? max(1, maxResource / 10) }

    /// The study system attribute in which a scheduled run records its scheduler, for reports.
    public static let studyAttributeKey = "metatune.scheduler"

    /// What a run under these settings records on its study: `kind`, `unit`, `summary`, `min_resource`,
    /// `max_resource`, `reduction_factor`, and for PBT its `interval`.
    public func studyAttribute(plan: SchedulerPlan, unit: String) -> JSONValue {
        var object: [String: JSONValue] = ["kind": .string(kind.rawValue), "unit": .string(unit), "summary": .string(plan.summary),
                                           "min_resource": .number(Double(minResource)), "max_resource": .number(Double(maxResource)),
                                           "reduction_factor": .number(reductionFactor)]
        if kind == .pbt { object["interval"] = .number(Double(pbtInterval)) }
        return .object(object)
    }

    /// The resources of the Hyperband rungs (BOHB's model keeps one model per resource).
    public func rungResources() throws -> [Int] {
        try HyperbandPlan(minResource: Double(minResource), maxResource: Double(maxResource), reductionFactor: reductionFactor)
            .brackets.flatMap { $0.rungs.map { Int($0.resource.rounded()) } }
    }

    /// The sampler the scheduler brings (BOHB's model), or nil when the study's own is used.
    public func ownSampler() throws -> Sampler? {
        kind.hasOwnSampler ? BudgetModelSampler(resources: try rungResources(), seed: seed) : nil
    }

    /// The scheduler these settings describe (validated first).
    public func makeScheduler() throws -> any Scheduler {
        try validate()
        switch kind {
        case .sha, .hyperband, .bohb:
            let plan = try HyperbandPlan(minResource: Double(minResource), maxResource: Double(maxResource),
                                         reductionFactor: reductionFactor)
            return SynchronousHyperband(plan: plan, successiveHalvingOnly: kind == .sha)
        case .asha:
            return AsynchronousHyperband(promotion: try AsynchronousPromotion(
                minResource: Double(minResource), maxResource: Double(maxResource), reductionFactor: reductionFactor))
        case .pbt:
            var options = PopulationBasedTraining.Options(interval: pbtInterval, maxResource: maxResource)
            options.seed = seed
            return try PopulationBasedTraining(options: options)
        }
    }
}
