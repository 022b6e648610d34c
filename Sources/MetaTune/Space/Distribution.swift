import Foundation

/// A float parameter: uniform (or log-uniform) on `low...high`, optionally on the grid `low + k·step`.
public struct FloatDistribution: Hashable, Sendable, Codable {
    public let low: Double
    public let high: Double
    public let log: Bool
    public let step: Double?
    /// The decimal places that write every grid point exactly (nil: no step, or too many).
    private let gridPlaces: Int?

    /// Creates a validated float distribution; `name` is used in error messages. `low == high` is
    /// a constant parameter (`Distribution.singleValue`).
    public init(low: Double, high: Double, log: Bool = false, step: Double? = nil, name: String = "parameter") throws {
        guard low.isFinite, high.isFinite else { throw SearchSpaceError.nonFiniteBound(name: name) }
        guard low <= high else { throw SearchSpaceError.emptyRange(name: name, low: formatNumber(low), high: formatNumber(high)) }
        guard (high - low).isFinite else { throw SearchSpaceError.rangeTooWide(name: name, low: formatNumber(low), high: formatNumber(high)) }
        if log && low <= 0 { throw SearchSpaceError.logWithNonPositiveLow(name: name, low: formatNumber(low)) }
        if let step {
            guard step > 0, step.isFinite else { throw SearchSpaceError.nonPositiveStep(name: name, step: formatNumber(step)) }
            if log { throw SearchSpaceError.logWithStep(name: name) }
            let count = (high - low) / step
            guard abs(count - count.rounded()) <= 1e-9 * max(1, count) else {
                throw SearchSpaceError.stepDoesNotDivideRange(name: name, step: formatNumber(step),
                                                              low: formatNumber(low), high: formatNumber(high))
            }
        }
        self.low = low
        self.high = high
        self.log = log
        self.step = step
        gridPlaces = step.flatMap { step in [low, step].compactMap(Self.decimalPlaces).max() }.flatMap { $0 <= 15 ? $0 : nil }
    }

    private enum CodingKeys: String, CodingKey { case low, high, log, step }

    /// Decodes and validates (a stored distribution goes through the same checks as a new one).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(low: try container.decode(Double.self, forKey: .low), high: try container.decode(Double.self, forKey: .high),
                      log: try container.decode(Bool.self, forKey: .log), step: try container.decodeIfPresent(Double.self, forKey: .step))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(low, forKey: .low)
        try container.encode(high, forKey: .high)
        try container.encode(log, forKey: .log)
        try container.encodeIfPresent(step, forKey: .step)
    }

    /// The grid point nearest to `value` (`low + k·step`), written as its decimals say: with
    /// `low` 0 and `step` 0.1 the third point is 0.3, not 0 + 3 × 0.1 = 0.30000000000000004.
    /// Without a step, `value` itself.
    public func onGrid(_ value: Double) -> Double {
        guard let step else { return value }
        let point = low + ((value - low) / step).rounded() * step
        guard let gridPlaces else { return point }
        let scale = Self.powersOfTen[gridPlaces]
        let scaled = (point * scale).rounded()
        guard abs(scaled) < 9e15 else { return point }  // beyond the integers a Double holds exactly
        return scaled / scale
    }

    private static let powersOfTen: [Double] = (0...15).map { pow(10, Double($0)) }

    /// How many decimal places the shortest decimal form of `number` has (0.1: 1, 2.5e-07: 8,
    /// 300: 0), or nil when it is not finite.
    static func decimalPlaces(_ number: Double) -> Int? {
        guard number.isFinite else { return nil }
        let text = "\(abs(number))"  // the shortest form that reads back as the same Double
        let parts = text.split(separator: "e")
        let mantissa = parts[0]
        let exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        var fraction = mantissa.split(separator: ".").dropFirst().first.map(String.init) ?? ""
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return max(fraction.count - exponent, 0)
    }
}

/// An integer parameter on `low...high` in steps of `step`, uniform or log-uniform.
public struct IntDistribution: Hashable, Sendable, Codable {
    public let low: Int
    public let high: Int
    public let log: Bool
    public let step: Int

    /// Creates a validated integer distribution; `name` is used in error messages. `low == high` is
    /// a constant parameter (`Distribution.singleValue`).
    public init(low: Int, high: Int, log: Bool = false, step: Int = 1, name: String = "parameter") throws {
        guard low <= high else { throw SearchSpaceError.emptyRange(name: name, low: String(low), high: String(high)) }
        guard !high.subtractingReportingOverflow(low).overflow, high - low < Int.max - 1 else {
            throw SearchSpaceError.rangeTooWide(name: name, low: String(low), high: String(high))
        }
        if log && low <= 0 { throw SearchSpaceError.logWithNonPositiveLow(name: name, low: String(low)) }
        guard step > 0 else { throw SearchSpaceError.nonPositiveStep(name: name, step: String(step)) }
        if log && step != 1 { throw SearchSpaceError.logWithStep(name: name) }
        guard (high - low) % step == 0 else {
            throw SearchSpaceError.stepDoesNotDivideRange(name: name, step: String(step), low: String(low), high: String(high))
        }
        self.low = low
        self.high = high
        self.log = log
        self.step = step
    }
}

/// A categorical parameter: one of a list of distinct choices (strings, numbers or bools).
///
/// Encoded with each choice's type kept (`{"float": 1.0}`, `{"int": 1}`, …), since JSON numbers
/// alone cannot tell `1` from `1.0`.
public struct CategoricalDistribution: Hashable, Sendable, Codable {
    public let choices: [ParamValue]

    /// Creates a validated categorical distribution; `name` is used in error messages.
    public init(choices: [ParamValue], name: String = "parameter") throws {
        guard !choices.isEmpty else { throw SearchSpaceError.emptyChoices(name: name) }
        // One pass with a set (a categorical may have 100,000 choices); numbers compare by value,
        // as `sameChoice` does, so 1 and 1.0 are the same choice.
        var seen = Set<ChoiceKey>()
        for choice in choices where !seen.insert(ChoiceKey(choice)).inserted {
            throw SearchSpaceError.duplicateChoice(name: name, choice: choice.description)
        }
        self.choices = choices
    }

    /// What makes two choices the same (`ParamValue.sameChoice`), hashable.
    private enum ChoiceKey: Hashable {
        case number(Double), string(String), bool(Bool)

        init(_ value: ParamValue) {
            switch value {
            case .float, .int: self = .number(value.doubleValue ?? .nan)
            case .string(let text): self = .string(text)
            case .bool(let flag): self = .bool(flag)
            }
        }
    }

    private enum CodingKeys: String, CodingKey { case choices }
    private enum ChoiceKeys: String, CodingKey { case float, int, string, bool }

    public init(from decoder: Decoder) throws {
        var list = try decoder.container(keyedBy: CodingKeys.self).nestedUnkeyedContainer(forKey: .choices)
        var choices: [ParamValue] = []
        while !list.isAtEnd {
            let choice = try list.nestedContainer(keyedBy: ChoiceKeys.self)
            if let value = try choice.decodeIfPresent(Double.self, forKey: .float) {
                choices.append(.float(value))
            } else if let value = try choice.decodeIfPresent(Int.self, forKey: .int) {
                choices.append(.int(value))
            } else if let value = try choice.decodeIfPresent(Bool.self, forKey: .bool) {
                choices.append(.bool(value))
            } else {
                choices.append(.string(try choice.decode(String.self, forKey: .string)))
            }
        }
        self.choices = choices
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var list = container.nestedUnkeyedContainer(forKey: .choices)
        for choice in choices {
            var entry = list.nestedContainer(keyedBy: ChoiceKeys.self)
            switch choice {
            case .float(let value): try entry.encode(value, forKey: .float)
            case .int(let value): try entry.encode(value, forKey: .int)
            case .string(let value): try entry.encode(value, forKey: .string)
            case .bool(let value): try entry.encode(value, forKey: .bool)
            }
        }
    }

    /// The index of `value` among the choices, if it is one.
    public func index(of value: ParamValue) -> Int? {
        choices.firstIndex { $0.sameChoice(as: value) }
    }
}

/// The distribution of one hyperparameter.
///
/// Samplers work on an *internal* representation, a `Double`: the value itself for floats and
/// ints, and the choice index for categoricals.
public enum Distribution: Hashable, Sendable, Codable {
    case float(FloatDistribution)
    case int(IntDistribution)
    case categorical(CategoricalDistribution)

    /// The internal representation of `value`, or nil when the value is not in this distribution.
    public func internalValue(of value: ParamValue) -> Double? {
        switch self {
        case .float(let dist):
            guard let number = value.doubleValue, number >= dist.low, number <= dist.high else { return nil }
            if let step = dist.step {
                let k = (number - dist.low) / step
                guard abs(k - k.rounded()) <= 1e-8 else { return nil }
            }
            return number
        case .int(let dist):
            guard let number = value.intValue, number >= dist.low, number <= dist.high,
                  (number - dist.low) % dist.step == 0 else { return nil }
            return Double(number)
        case .categorical(let dist):
            return dist.index(of: value).map(Double.init)
        }
    }

    /// The value for an internal representation (snapped onto the grid and clamped to the bounds).
    public func externalValue(_ raw: Double) -> ParamValue {
        switch self {
        case .float(let dist):
            return .float(Swift.min(Swift.max(dist.onGrid(raw), dist.low), dist.high))
        case .int(let dist):
            let k = ((raw - Double(dist.low)) / Double(dist.step)).rounded()
            let value = dist.low + Int(k) * dist.step
            return .int(Swift.min(Swift.max(value, dist.low), dist.high))
        case .categorical(let dist):
            let index = Swift.min(Swift.max(Int(raw.rounded()), 0), dist.choices.count - 1)
            return dist.choices[index]
        }
    }

    /// The only value of a constant parameter (a range with `low == high`, or a single choice),
    /// else nil. A trial takes it without asking its sampler, and samplers never see it.
    public var singleValue: ParamValue? {
        switch self {
        case .float(let d): return d.low == d.high ? .float(d.low) : nil
        case .int(let d): return d.low == d.high ? .int(d.low) : nil
        case .categorical(let d): return d.choices.count == 1 ? d.choices[0] : nil
        }
    }

    /// A short human-readable form, e.g. `float[1e-05, 0.1] log`.
    public var summary: String {
        switch self {
        case .float(let d):
            return "float[\(formatNumber(d.low)), \(formatNumber(d.high))]" + (d.log ? " log" : "")
                + (d.step.map { " step \(formatNumber($0))" } ?? "")
        case .int(let d):
            return "int[\(d.low), \(d.high)]" + (d.log ? " log" : "") + (d.step != 1 ? " step \(d.step)" : "")
        case .categorical(let d):
            return "categorical{" + d.choices.map(\.description).joined(separator: ", ") + "}"
        }
    }
}
