import Foundation
import MetaTune

/// The contract every `Sampler` keeps, as checks anyone who writes a sampler can run:
///
/// - **reproducible**: the same seed gives the same suggestions; another seed gives others;
/// - **valid**: every suggestion lies in its distribution (bounds, integer and step grids, choices),
///   every active parameter of a conditional space is suggested and no inactive one;
/// - **robust to any history**: trials that failed, were pruned (with learning curves), returned
///   NaN (and reported NaN), are still running, or wait in the queue never break a suggestion;
/// - **extreme bounds**: floats over ±1e300, log floats from 1e-300 to 1e300, integers over
///   ±Int.max/4, constants and single choices are sampled inside their bounds.
///
/// `verify` throws a `ContractViolation` at the first check that fails.
public enum SamplerContract {
    /// A conditional space with every kind of parameter; samplers that learn from past tasks can
    /// be given knowledge over it.
    public static var space: SearchSpace {
        get throws {
            try SearchSpaceFile.parse("""
            lr: {type: float, low: 1.0e-5, high: 1.0, log: true}
            x: {type: float, low: -2, high: 3}
            dropout: {type: float, low: 0, high: 0.5, step: 0.1}
            batch: {type: int, low: 16, high: 512, log: true}
            layers: {type: int, low: 1, high: 9, step: 2}
            optimizer: {type: categorical, choices: [sgd, adam, rmsprop]}
            momentum: {type: float, low: 0, high: 0.99, when: {optimizer: sgd}}
            beta: {type: categorical, choices: [0.9, 0.99], when: {optimizer: [adam, rmsprop]}}
            """, file: "sampler contract space")
        }
    }

    /// A space at the limits of what a search-space file accepts.
    public static var extremeSpace: SearchSpace {
        get throws {
            try SearchSpaceFile.parse("""
            huge: {type: float, low: -1.0e300, high: 1.0e300}
            wide_log: {type: float, low: 1.0e-300, high: 1.0e300, log: true}
            big_int: {type: int, low: -2305843009213693951, high: 2305843009213693951}
            constant: {type: float, low: 2.5, high: 2.5}
            single: {type: categorical, choices: [only]}
            """, file: "sampler contract extreme space")
        }
    }

    /// A deterministic objective over `space` that every kind of parameter moves.
    public static func objective(_ params: [String: ParamValue]) -> Double {
        let lr = params["lr"]?.doubleValue ?? 1e-3, x = params["x"]?.doubleValue ?? 0
        var value = pow(log10(lr) + 3, 2) + pow(x - 1, 2)
        value += (params["dropout"]?.doubleValue ?? 0) + Double(params["layers"]?.intValue ?? 1) * 0.1
        value += log2(Double(params["batch"]?.intValue ?? 16)) * 0.01
        value += params["optimizer"] == "adam" ? 0 : 0.5
        return value
    }

    /// Runs every check on the samplers `make` builds from a seed. `seedMatters: false` skips
    /// "another seed gives other suggestions" (for a sampler that is deterministic by design).
    /// `trials` is the length of each run (the model-based part of most samplers starts after 10).
    public static func verify(_ name: String, seedMatters: Bool = true, trials: Int = 30,
                              make: (UInt64) throws -> Sampler) throws {
        try verifyReproducible(name, seedMatters: seedMatters, trials: trials, make: make)
        try verifyValid(name, trials: trials, make: make)
        try verifyAnyHistory(name, trials: trials, make: make)
        try verifyExtremeBounds(name, trials: trials, make: make)
    }

    /// The same seed gives the same suggestions (and another seed others, when `seedMatters`).
    public static func verifyReproducible(_ name: String, seedMatters: Bool = true, trials: Int = 30,
                                          make: (UInt64) throws -> Sampler) throws {
        let space = try self.space
        let first = try run(name, try make(7), space: space, trials: trials).map(\.params)
        let second = try run(name, try make(7), space: space, trials: trials).map(\.params)
        try expect(first == second, name, "reproducible", "two samplers with seed 7 suggested different parameters")
        if seedMatters {
            let other = try run(name, try make(8), space: space, trials: trials).map(\.params)
            try expect(first != other, name, "seeded", "seeds 7 and 8 gave the same \(trials) suggestions")
        }
    }

    /// Every suggestion lies in its distribution; a conditional parameter appears exactly when active.
    public static func verifyValid(_ name: String, trials: Int = 30, make: (UInt64) throws -> Sampler) throws {
        let space = try self.space
        for trial in try run(name, try make(1), space: space, trials: trials) {
            try checkSuggestion(trial, in: space, name: name)
        }
    }

    /// Suggestions stay valid and reproducible when the history holds trials in every state, and
    /// a suggestion made straight through the `Sampler` API with such a history (a waiting trial
    /// among them) is valid too.
    public static func verifyAnyHistory(_ name: String, trials: Int = 30, make: (UInt64) throws -> Sampler) throws {
        let space = try self.space
        let sampler = try make(3)
        let (first, history) = try runWithEveryState(name, sampler, space: space, trials: trials)
        for trial in first where trial.state != .waiting {
            try checkSuggestion(trial, in: space, name: name + " (history with every state)")
        }
        let states = Set(history.trials.map(\.state))
        try expect(states == Set(TrialState.allCases), name, "history with every state", "the run's states were \(states)")
        let next = FrozenTrial(id: -1, number: history.trials.count, state: .running)
        let params = sample(sampler, history: history, trial: next, space: space)
        try checkSuggestion(FrozenTrial(id: -1, number: next.number, state: .running, params: params), in: space,
                            name: name + " (sampled beside a waiting trial)")
        let (second, _) = try runWithEveryState(name, try make(3), space: space, trials: trials)
        try expect(first.map(\.params) == second.map(\.params), name, "reproducible with every state",
                   "the same seed suggested different parameters")
    }

    /// Suggestions lie inside extreme bounds and are finite.
    public static func verifyExtremeBounds(_ name: String, trials: Int = 30, make: (UInt64) throws -> Sampler) throws {
        let extremeSpace = try self.extremeSpace
        for trial in try run(name, try make(5), space: extremeSpace, trials: trials, objective: { params in
            let huge = params["huge"]?.doubleValue ?? 0, wide = params["wide_log"]?.doubleValue ?? 1
            return abs(huge) / 1e300 + abs(log10(wide)) / 300 + Double((params["big_int"]?.intValue ?? 0).magnitude) / 1e18
        }) {
            try checkSuggestion(trial, in: extremeSpace, name: name + " (extreme bounds)")
            for (parameter, value) in trial.params {
                if let number = value.doubleValue {
                    try expect(number.isFinite, name, "extreme bounds", "\(parameter) = \(number) is not finite")
                }
            }
            try expect(trial.params["constant"]?.doubleValue == 2.5, name, "extreme bounds", "the constant is \(String(describing: trial.params["constant"]))")
            try expect(trial.params["single"] == "only", name, "extreme bounds", "the single choice is \(String(describing: trial.params["single"]))")
        }
    }

    /// Asks `trials` trials of `space` and tells each its objective value. A suggestion the study
    /// refuses (outside its distribution) is a violation of "in its distribution".
    private static func run(_ name: String, _ sampler: Sampler, space: SearchSpace, trials: Int,
                            objective: ([String: ParamValue]) -> Double = SamplerContract.objective) throws -> [FrozenTrial] {
        let study = try Study.create(name: "contract", sampler: sampler)
        for _ in 0..<trials {
            let trial = try ask(study, space: space, name: name)
            try study.tell(trial, value: objective(trial.params))
        }
        return try study.trials
    }

    /// `study.ask(space:)`. The space is valid and the storage in memory, so a refusal can only
    /// be of a suggestion outside its distribution: a violation.
    private static func ask(_ study: Study, space: SearchSpace, name: String) throws -> Trial {
        do {
            return try study.ask(space: space)
        } catch {
            throw ContractViolation(subject: name, check: "in its distribution", detail: "the study refused a suggestion: \(error)")
        }
    }

    /// A run whose trials end in every way a study knows, in a fixed pattern by trial number:
    /// complete (three of seven), failed, pruned after a learning curve, NaN (a NaN report and a
    /// NaN value: failed), left running; halfway an enqueued trial is asked and completed, and at
    /// the end one is left waiting. Returns the trials and the final history.
    private static func runWithEveryState(_ name: String, _ sampler: Sampler, space: SearchSpace, trials: Int) throws
        -> ([FrozenTrial], StudyHistory) {
        let study = try Study.create(name: "contract-states", sampler: sampler)
        for index in 0..<trials {
            if index == trials / 2 {
                try study.enqueue(["lr": .float(0.01), "x": .float(1), "dropout": .float(0.2), "batch": .int(64),
                                   "layers": .int(3), "optimizer": "adam", "beta": .float(0.9)])
            }
            let trial = try ask(study, space: space, name: name)
            let value = objective(trial.params)
            switch trial.number % 7 {
            case 3:
                try study.tell(trial, state: .failed, reason: "the contract fails every seventh trial")
            case 4:
                for step in 0..<3 { try trial.report(value + Double(3 - step), step: step) }
                try study.tell(trial, state: .pruned)
            case 5:
                try trial.report(.nan, step: 0)
                _ = try study.tell(trial, value: .nan)
            case 6:
                break  // left running
            default:
                try trial.report(value + 1, step: 0)
                _ = try study.tell(trial, value: value)
            }
        }
        try study.enqueue(["lr": .float(0.001), "x": .float(0), "dropout": .float(0.1), "batch": .int(32),
                           "layers": .int(5), "optimizer": "sgd", "momentum": .float(0.5)])
        let history = try study.history()
        return (history.trials, history)
    }

    /// What `Study.ask(space:)` does, straight through the `Sampler` API: the relative space and
    /// its joint sample, then each active parameter in order (constants filled in, the rest
    /// sampled on its own).
    private static func sample(_ sampler: Sampler, history: StudyHistory, trial: FrozenTrial,
                               space: SearchSpace) -> [String: ParamValue] {
        let relativeSpace = sampler.relativeSearchSpace(history: history, trial: trial).filter { $0.value.singleValue == nil }
        let relative = relativeSpace.isEmpty ? [:] : sampler.sampleRelative(history: history, trial: trial, space: relativeSpace)
        var params: [String: ParamValue] = [:]
        for spec in space.parameters where space.isActive(spec, given: params) {
            if let constant = spec.distribution.singleValue {
                params[spec.name] = constant
            } else if relativeSpace[spec.name] == spec.distribution, let value = relative[spec.name] {
                params[spec.name] = value
            } else {
                params[spec.name] = sampler.sampleIndependent(history: history, trial: trial, name: spec.name, distribution: spec.distribution)
            }
        }
        return params
    }

    /// Checks one trial's parameters against `space`.
    private static func checkSuggestion(_ trial: FrozenTrial, in space: SearchSpace, name: String) throws {
        let params = trial.params
        for spec in space.parameters {
            let active = space.isActive(spec, given: params)
            try expect((params[spec.name] != nil) == active, name, "conditions",
                       "trial \(trial.number): '\(spec.name)' is \(active ? "active but missing" : "inactive but suggested") in \(params)")
            if let value = params[spec.name] {
                try expect(spec.distribution.internalValue(of: value) != nil, name, "in its distribution",
                           "trial \(trial.number): \(spec.name) = \(value) is not a value of \(spec.distribution)")
            }
        }
    }
}
