import Foundation

/// Thrown by an objective to say its trial should stop as pruned (after `trial.shouldPrune`).
public struct TrialPruned: Error, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String = "pruned by the pruner") {
        self.reason = reason
    }

    public var description: String { reason }
}

/// A running trial: the handle through which an objective asks for parameters (define-by-run),
/// reports its learning curve and asks whether to stop early.
public final class Trial: @unchecked Sendable {
    static let fixedParamsKey = "fixed_params"
    /// The system attribute that says where a trial's configuration came from (`Sampler.origin(of:history:)`).
    public static let originKey = "origin"

    /// The trial's number within its study.
    public let number: Int
    /// The storage-wide identifier.
    public let id: Int
    public let study: Study

    private let lock = NSLock()
    private var frozen: FrozenTrial
    private let relativeSpace: [String: Distribution]
    private let relativeParams: [String: ParamValue]
    private let fixedParams: [String: JSONValue]

    init(study: Study, frozen: FrozenTrial, relativeSpace: [String: Distribution], relativeParams: [String: ParamValue]) {
        self.study = study
        self.frozen = frozen
        self.number = frozen.number
        self.id = frozen.id
        self.relativeSpace = relativeSpace
        self.relativeParams = relativeParams
        if case .object(let fixed)? = frozen.systemAttributes[Self.fixedParamsKey] {
            fixedParams = fixed
        } else {
            fixedParams = [:]
        }
    }

    /// The parameters suggested so far.
    public var params: [String: ParamValue] {
        lock.withLock { frozen.params }
    }

    // MARK: - Suggestions

    /// A float in `low...high` (log-uniform with `log`, on the grid `low + k·step` with `step`).
    public func suggestFloat(_ name: String, low: Double, high: Double, log: Bool = false, step: Double? = nil) throws -> Double {
        let distribution = Distribution.float(try FloatDistribution(low: low, high: high, log: log, step: step, name: name))
        return try suggest(name, distribution).doubleValue!
    }

    /// A float in `range` (log-uniform with `log`, on the grid `low + k·step` with `step`).
    public func suggestFloat(_ name: String, in range: ClosedRange<Double>, log: Bool = false, step: Double? = nil) throws -> Double {
        try suggestFloat(name, low: range.lowerBound, high: range.upperBound, log: log, step: step)
    }

    /// An integer in `low...high` in steps of `step` (log-uniform with `log`).
    public func suggestInt(_ name: String, low: Int, high: Int, log: Bool = false, step: Int = 1) throws -> Int {
        let distribution = Distribution.int(try IntDistribution(low: low, high: high, log: log, step: step, name: name))
        return try suggest(name, distribution).intValue!
    }

    /// An integer in `range` in steps of `step` (log-uniform with `log`).
    public func suggestInt(_ name: String, in range: ClosedRange<Int>, log: Bool = false, step: Int = 1) throws -> Int {
        try suggestInt(name, low: range.lowerBound, high: range.upperBound, log: log, step: step)
    }

    /// One of `choices` (strings, numbers or bools).
    public func suggestCategorical(_ name: String, _ choices: [ParamValue]) throws -> ParamValue {
        try suggest(name, .categorical(try CategoricalDistribution(choices: choices, name: name)))
    }

    /// One of `choices`, in their own type: `suggestCategorical("n", [1, 2, 3])` returns an `Int`,
    /// `suggestCategorical("optimizer", ["sgd", "adam"])` a `String`.
    public func suggestCategorical<Choice: CategoricalChoice>(_ name: String, _ choices: [Choice]) throws -> Choice {
        let value = try suggestCategorical(name, choices.map(\.paramValue))
        guard let choice = choices.first(where: { $0.paramValue.sameChoice(as: value) }) ?? Choice(paramValue: value) else {
            throw SearchSpaceError.redefined(name: name, old: "a categorical of \(value)", new: "choices of type \(Choice.self)")
        }
        return choice
    }

    /// A value of `distribution` for parameter `name`. Asking twice for the same name returns the
    /// same value; asking with a different distribution is an error.
    public func suggest(_ name: String, _ distribution: Distribution) throws -> ParamValue {
        try SearchSpace.validateName(name)
        let (existingValue, existingDistribution) = lock.withLock { (frozen.params[name], frozen.distributions[name]) }
        if let value = existingValue, let old = existingDistribution {
            guard old == distribution else {
                throw SearchSpaceError.redefined(name: name, old: old.summary, new: distribution.summary)
            }
            return value
        }
        let value = try chooseValue(name, distribution)
        try study.storage.setTrialParam(trialID: id, name: name, value: value, distribution: distribution)
        lock.withLock {
            frozen.params[name] = value
            frozen.distributions[name] = distribution
        }
        return value
    }

    /// Suggests every active parameter of a declarative space, in order, and returns them.
    public func suggest(space: SearchSpace) throws -> [String: ParamValue] {
        var values: [String: ParamValue] = [:]
        for spec in space.parameters where space.isActive(spec, given: values) {
            values[spec.name] = try suggest(spec.name, spec.distribution)
        }
        return values
    }

    private func chooseValue(_ name: String, _ distribution: Distribution) throws -> ParamValue {
        if let fixed = fixedParams[name] {
            let value = try Self.paramValue(fixed, name: name)
            guard let raw = distribution.internalValue(of: value) else {
                throw SearchSpaceError.valueNotInDistribution(name: name, value: value.description,
                                                              distribution: distribution.summary)
            }
            return distribution.externalValue(raw)
        }
        if let constant = distribution.singleValue { return constant }
        if relativeSpace[name] == distribution, let value = relativeParams[name] {
            return value
        }
        let snapshot = lock.withLock { frozen }
        return study.sampler.sampleIndependent(history: try study.history(), trial: snapshot, name: name,
                                               distribution: distribution)
    }

    private static func paramValue(_ json: JSONValue, name: String) throws -> ParamValue {
        guard let value = ParamValue(json: json) else {
            throw StudyError.invalidArgument("enqueued value of '\(name)' must be a number, string or bool")
        }
        return value
    }

    // MARK: - Learning curve and pruning

    /// Records the objective's value at `step` (e.g. validation loss after an epoch).
    public func report(_ value: Double, step: Int) throws {
        try report([step: value])
    }

    /// Records the objective's values at several steps in one write (a learning curve that
    /// arrives in bursts).
    public func report(_ values: [Int: Double]) throws {
        if let step = values.keys.first(where: { $0 < 0 }) {
            throw StudyError.invalidArgument("step must be non-negative, got \(step)")
        }
        try study.storage.setIntermediateValues(trialID: id, values: values)
        lock.withLock { frozen.intermediateValues.merge(values) { $1 } }
    }

    /// Whether the study's pruner says this trial should stop now, judged on what it reported.
    public var shouldPrune: Bool {
        get throws {
            let snapshot = lock.withLock { frozen }
            return study.pruner.shouldPrune(history: try study.history(), trial: snapshot)
        }
    }

    /// Sets a system attribute of the trial (for MetaTune's own components: runners, schedulers).
    public func setSystemAttribute(_ key: String, _ value: JSONValue) throws {
        try study.storage.setTrialAttribute(trialID: id, key: key, value: value, system: true)
    }

    /// Sets a user attribute of the trial.
    public func setUserAttribute(_ key: String, _ value: JSONValue) throws {
        try study.storage.setTrialAttribute(trialID: id, key: key, value: value, system: false)
    }
}
