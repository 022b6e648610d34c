import Foundation

/// Builds a one-line JSON object whose keys keep the order they were added in (the documented
/// order of MetaTune's machine-readable output).
public struct OrderedJSONObject {
    private var members: [String] = []

    public init() {}

    /// Adds a string member.
    public mutating func add(_ key: String, _ value: String) { addRaw(key, jsonString(value)) }
    /// Adds an integer member.
    public mutating func add(_ key: String, _ value: Int) { addRaw(key, String(value)) }
    /// Adds a number member (NaN and infinities become null).
    public mutating func add(_ key: String, _ value: Double?) { addRaw(key, value.map(jsonNumber) ?? "null") }
    /// Adds a member whose value is already JSON text.
    public mutating func addRaw(_ key: String, _ json: String) { members.append(jsonString(key) + ":" + json) }

    /// The object as JSON text.
    public var text: String { "{" + members.joined(separator: ",") + "}" }
}

/// A JSON number in shortest round-trip form, or null for NaN and infinities.
public func jsonNumber(_ value: Double) -> String {
    guard value.isFinite else { return "null" }
    if value.rounded() == value && abs(value) < 1e15 { return String(Int(value)) + ".0" }
    return "\(value)"
}

/// A JSON string literal.
public func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
