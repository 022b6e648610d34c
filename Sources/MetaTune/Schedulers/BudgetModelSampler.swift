import Foundation

/// BOHB's model (Falkner, Klein & Hutter 2018) as a sampler to pair with Hyperband: new
/// configurations come from a TPE model fitted to the results at the largest resource that
/// already has enough of them (at least the number of parameters + 1), so that the cheap early
/// rungs guide the search until the expensive ones fill in; a third of the configurations are
/// drawn at random, which keeps the search from trusting low-resource results too much.
///
/// A trial's result at resource r is its learning-curve value at step r − 1 (a trial reports
/// after each unit of resource, starting at step 0, as `ResumableTraining` does).
public struct BudgetModelSampler: Sampler {
    public let resources: [Int]
    public let randomFraction: Double
    public let seed: UInt64
    private let model: TPESampler
    private let random: RandomSampler

    /// `resources`: the rung resources of the Hyperband plan (any order).
    public init(resources: [Int], seed: UInt64 = 0, randomFraction: Double = 1.0 / 3) {
        self.resources = Array(Set(resources)).sorted(by: >)
        self.randomFraction = randomFraction
        self.seed = seed
        var options = TPESampler.Options()
        options.startupTrials = 2  // the resource choice already waits for enough results
        model = TPESampler(seed: seed, options: options)
        random = RandomSampler(seed: seed)
    }

    /// The history as the model sees it: the trials that reached the chosen resource, complete at
    /// their value there; nil when no resource has enough results yet or this trial is a random one.
    func modelHistory(_ history: StudyHistory, trial: FrozenTrial) -> StudyHistory? {
        var generator = decisionGenerator(seed: seed, trial: trial.number, label: "bohb-random")
        if generator.nextUniform() < randomFraction { return nil }
        let parameterCount = history.trials.map(\.params.count).max() ?? 0
        for resource in resources {
            let reached = history.trials.compactMap { past -> FrozenTrial? in
                guard past.number != trial.number, let value = past.intermediateValues[resource - 1], value.isFinite else { return nil }
                var relabeled = past
                relabeled.state = .complete
                relabeled.value = value
                return relabeled
            }
            if reached.count >= parameterCount + 1 {
                return StudyHistory(direction: history.direction, trials: reached, cacheKey: history.cacheKey + ":bohb:\(resource)")
            }
        }
        return nil
    }

    public func relativeSearchSpace(history: StudyHistory, trial: FrozenTrial) -> [String: Distribution] {
        guard let view = modelHistory(history, trial: trial) else { return [:] }
        return model.relativeSearchSpace(history: view, trial: trial)
    }

    public func sampleRelative(history: StudyHistory, trial: FrozenTrial, space: [String: Distribution]) -> [String: ParamValue] {
        guard let view = modelHistory(history, trial: trial) else { return [:] }
        return model.sampleRelative(history: view, trial: trial, space: space)
    }

    public func sampleIndependent(history: StudyHistory, trial: FrozenTrial, name: String, distribution: Distribution) -> ParamValue {
        guard let view = modelHistory(history, trial: trial) else {
            return random.sampleIndependent(history: history, trial: trial, name: name, distribution: distribution)
        }
        return model.sampleIndependent(history: view, trial: trial, name: name, distribution: distribution)
    }
}
