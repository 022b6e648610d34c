import Foundation

/// Asynchronous successive halving (ASHA, Li et al. 2020) as a pruner.
///
/// Rung k sits at resource (step) `minResource · reductionFactor^(k + minEarlyStoppingRate)`.
/// When a trial first reaches a rung it continues only if its value there is in the best
/// 1/`reductionFactor` of the values every trial reached at that rung so far (the first trial at
/// a rung always continues). Decisions never wait for other trials, so workers never idle.
/// A trial's value at a rung is its intermediate value at the first reported step at or past it.
public struct SuccessiveHalvingPruner: Pruner {
    public let minResource: Int
    public let reductionFactor: Int
    public let minEarlyStoppingRate: Int
    /// The rungs (shared with ASHA and Hyperband), unbounded: a trial may report any step.
    public let ladder: RungLadder

    public init(minResource: Int = 1, reductionFactor: Int = 3, minEarlyStoppingRate: Int = 0) throws {
        guard minResource >= 1 else { throw PrunerConfigurationError(description: "minimum resource must be at least 1, got \(minResource)") }
        guard reductionFactor >= 2 else { throw PrunerConfigurationError(description: "reduction factor must be at least 2, got \(reductionFactor)") }
        guard minEarlyStoppingRate >= 0 else { throw PrunerConfigurationError(description: "minimum early-stopping rate must be non-negative") }
        self.minResource = minResource
        self.reductionFactor = reductionFactor
        self.minEarlyStoppingRate = minEarlyStoppingRate
        ladder = try RungLadder(minResource: Double(minResource), reductionFactor: Double(reductionFactor),
                                minEarlyStoppingRate: minEarlyStoppingRate)
    }

    /// The resource (step) at which rung `k` sits.
    public func rungResource(_ k: Int) -> Int { ladder.wholeResource(ofRung: k) }

    public func shouldPrune(history: StudyHistory, trial: FrozenTrial) -> Bool {
        let steps = trial.intermediateValues.keys.sorted()
        guard let current = steps.last else { return false }
        let previous = steps.count > 1 ? steps[steps.count - 2] : -1
        // The rungs crossed by the step just reported; judge the highest of them.
        var rung = 0
        var crossed: Int?
        while case let resource = rungResource(rung), resource <= current {
            if resource > previous { crossed = rung }
            if resource == Int.max { break }  // the ladder saturated: no rung lies further
            rung += 1
        }
        guard let k = crossed else { return false }
        let resource = rungResource(k)
        guard let own = Self.valueAtRung(trial, resource: resource) else { return false }
        if own.isNaN { return true }
        let direction = history.direction
        var competitors = [direction.loss(own)]
        for other in history.trials where other.number != trial.number {
            if let value = Self.valueAtRung(other, resource: resource), !value.isNaN {
                competitors.append(direction.loss(value))
            }
        }
        competitors.sort()
        let promotable = max(competitors.count / reductionFactor - 1, 0)
        return direction.loss(own) > competitors[promotable]
    }

    /// The intermediate value at the first reported step at or past `resource`.
    static func valueAtRung(_ trial: FrozenTrial, resource: Int) -> Double? {
        var best: (step: Int, value: Double)?
        for (step, value) in trial.intermediateValues where step >= resource {
            if best == nil || step < best!.step { best = (step, value) }
        }
        return best?.value
    }
}
