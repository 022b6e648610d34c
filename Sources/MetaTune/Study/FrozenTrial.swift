import Foundation

/// A snapshot of one trial as stored: what samplers, pruners and reports read.
public struct FrozenTrial: Sendable, Codable, Hashable {
    /// The storage-wide identifier.
    public var id: Int
    /// The trial's number within its study: 0, 1, 2, … with no gaps.
    public var number: Int
    public var state: TrialState
    /// The objective value of a complete trial.
    public var value: Double?
    /// The parameters suggested so far (all of them once the trial has finished).
    public var params: [String: ParamValue]
    /// The distribution each parameter was drawn from.
    public var distributions: [String: Distribution]
    /// The learning curve: intermediate values by step.
    public var intermediateValues: [Int: Double]
    public var userAttributes: [String: JSONValue]
    /// Attributes MetaTune itself keeps (fixed parameters of an enqueued trial, owner, …).
    public var systemAttributes: [String: JSONValue]
    public var startedAt: Date?
    public var completedAt: Date?
    /// The last sign of life of a running trial.
    public var heartbeatAt: Date?
    /// Why the trial failed (or was pruned), in words.
    public var failReason: String?
    /// The worker process that runs (or ran) the trial.
    public var owner: TrialOwner?
    /// A study-wide counter bumped by every change, for incremental reads.
    public var revision: Int

    public init(id: Int, number: Int, state: TrialState, value: Double? = nil,
                params: [String: ParamValue] = [:], distributions: [String: Distribution] = [:],
                intermediateValues: [Int: Double] = [:], userAttributes: [String: JSONValue] = [:],
                systemAttributes: [String: JSONValue] = [:], startedAt: Date? = nil, completedAt: Date? = nil,
                heartbeatAt: Date? = nil, failReason: String? = nil, owner: TrialOwner? = nil, revision: Int = 0) {
        self.id = id
        self.number = number
        self.state = state
        self.value = value
        self.params = params
        self.distributions = distributions
        self.intermediateValues = intermediateValues
        self.userAttributes = userAttributes
        self.systemAttributes = systemAttributes
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.heartbeatAt = heartbeatAt
        self.failReason = failReason
        self.owner = owner
        self.revision = revision
    }

    /// The step and value of the last reported intermediate value.
    public var lastIntermediate: (step: Int, value: Double)? {
        guard let step = intermediateValues.keys.max() else { return nil }
        return (step, intermediateValues[step]!)
    }

    /// Whether a scheduler holds this running trial between rungs: it reached at least one rung
    /// (ASHA records its results in the system attribute `rung_values`) and waits for promotion
    /// or is being resumed. Samplers treat it like a trial pruned at its last reported step.
    public var isPausedByScheduler: Bool {
        state == .running && systemAttributes[AsynchronousHyperband.rungValuesKey] != nil
    }

    /// The internal (sampler) representation of parameter `name`, if the trial has it.
    public func internalValue(of name: String) -> Double? {
        guard let value = params[name], let distribution = distributions[name] else { return nil }
        return distribution.internalValue(of: value)
    }

    /// Wall-clock duration of a finished trial, in seconds.
    public var duration: TimeInterval? {
        guard let startedAt, let completedAt else { return nil }
        return completedAt.timeIntervalSince(startedAt)
    }
}
