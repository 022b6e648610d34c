import Foundation

/// What one line of an external objective's standard output means.
///
/// - `{"value": x}` — the objective value (the last such line wins);
/// - `{"step": k, "value": v}` — an intermediate value (a point of the learning curve);
/// - a line that is a bare number — a candidate objective value (used when no `{"value": x}`
///   line appears; the last one wins);
/// - anything else — ordinary output, ignored.
public enum ObjectiveLine: Equatable {
    case value(Double)
    case intermediate(step: Int, value: Double)
    case number(Double)
    case other

    /// Classifies one line (surrounding whitespace ignored). `NaN`, `inf` and JSON `null` values
    /// are kept as NaN/infinity so the trial can fail with that reason.
    public init(_ line: String) {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("{"), let object = Self.jsonObject(text), let value = Self.number(object["value"]) {
            if let step = object["step"] {
                guard let number = step as? NSNumber, !(step is Bool),
                      let exact = Int(exactly: number.doubleValue), exact >= 0 else {
                    self = .other
                    return
                }
                self = .intermediate(step: exact, value: value)
            } else {
                self = .value(value)
            }
            return
        }
        if let number = Self.bareNumber(text) {
            self = .number(number)
            return
        }
        self = .other
    }

    private static func jsonObject(_ text: String) -> [String: Any]? {
        if let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] { return object }
        // Python's json.dumps writes NaN and Infinity, which strict JSON rejects: read them as strings.
        let relaxed = text.replacingOccurrences(of: "-Infinity", with: "\"-inf\"")
            .replacingOccurrences(of: "Infinity", with: "\"inf\"")
            .replacingOccurrences(of: "NaN", with: "\"nan\"")
        return (try? JSONSerialization.jsonObject(with: Data(relaxed.utf8))) as? [String: Any]
    }

    private static func number(_ any: Any?) -> Double? {
        guard let any else { return nil }
        if any is NSNull { return .nan }
        if let number = any as? NSNumber, !(any is Bool) { return number.doubleValue }
        if let string = any as? String { return bareNumber(string) }
        return nil
    }

    private static func bareNumber(_ text: String) -> Double? {
        guard !text.isEmpty, text.count <= 64 else { return nil }
        switch text.lowercased() {
        case "nan", "+nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        guard text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }) else { return nil }
        return Double(text)
    }
}
