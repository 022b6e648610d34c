import Foundation

/// The value of one hyperparameter: a float, an integer, or a categorical choice
/// (a string, a number or a bool).
public enum ParamValue: Hashable, Sendable, CustomStringConvertible {
    case float(Double)
    case int(Int)
    case string(String)
    case bool(Bool)

    /// The value as a double when it is numeric (floats and ints), else nil.
    public var doubleValue: Double? {
        switch self {
        case .float(let value): return value
        case .int(let value): return Double(value)
        case .string, .bool: return nil
        }
    }

    /// The value as an integer when it is an int (or a float with an integral value), else nil.
    public var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .float(let value): return value.rounded() == value && abs(value) < 9e15 ? Int(value) : nil
        case .string, .bool: return nil
        }
    }

    /// The string payload of a string choice, else nil.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The bool payload of a bool choice, else nil.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The value a JSON scalar holds (numbers as floats; a distribution's `internalValue(of:)`
    /// and `externalValue` turn them into its ints), or nil for null, arrays and objects.
    public init?(json: JSONValue) {
        switch json {
        case .number(let number): self = .float(number)
        case .string(let string): self = .string(string)
        case .bool(let bool): self = .bool(bool)
        case .null, .array, .object: return nil
        }
    }

    /// The value as JSON.
    public var jsonValue: JSONValue {
        switch self {
        case .float(let value): return .number(value)
        case .int(let value): return .number(Double(value))
        case .string(let value): return .string(value)
        case .bool(let value): return .bool(value)
        }
    }

    /// The value as a command-line argument or an environment variable would show it.
    public var description: String {
        switch self {
        case .float(let value): return formatNumber(value)
        case .int(let value): return String(value)
        case .string(let value): return value
        case .bool(let value): return value ? "true" : "false"
        }
    }

    /// Two values are the same choice: equal, or numerically equal (an int choice `1` matches `1.0`).
    public func sameChoice(as other: ParamValue) -> Bool {
        if self == other { return true }
        if let a = doubleValue, let b = other.doubleValue { return a == b }
        return false
    }
}

/// A number in its shortest round-tripping decimal form, without a trailing ".0" for integers.
func formatNumber(_ value: Double) -> String {
    if value.rounded() == value && abs(value) < 1e15 { return String(Int(value)) }
    return "\(value)"
}

extension ParamValue: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let int = try? container.decode(Int.self) {
            self = .int(int)
        } else if let double = try? container.decode(Double.self) {
            self = .float(double)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .float(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }
}

extension ParamValue: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByStringLiteral, ExpressibleByBooleanLiteral
{
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
