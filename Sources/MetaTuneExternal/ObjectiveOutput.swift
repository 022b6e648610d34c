import Foundation

/// What one line of an external objective's standard output means.
///
/// - `{"value": x}` — the objective value (the last such line wins);
/// - `{"step": k, "value": v}` — an intermediate value (a point of the learning curve), `k` a
///   whole number from 0;
/// - a line that is a bare number — a candidate objective value (used when no `{"value": x}`
///   line appears; the last one wins);
/// - a JSON object with a `value` that cannot be used (null, text, a number out of range, a
///   step that is negative or fractional) — `invalid`, with what was wrong: the trial fails with
///   that reason rather than losing the line silently;
/// - anything else — ordinary output, ignored.
public enum ObjectiveLine: Equatable {
    case value(Double)
    case intermediate(step: Int, value: Double)
    case number(Double)
    case invalid(String)
    case other

    /// Classifies one line (surrounding whitespace ignored). `NaN` and infinite values (also as
    /// the strings "nan", "inf", "-inf", and Python's `NaN`/`Infinity`) are kept as NaN/infinity
    /// so the trial can fail with that reason.
    public init(_ line: String) {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("{"), let report = Report.parse(text), let reading = report.value {
            self = Self.classify(value: reading, step: report.step)
            return
        }
        if let number = Self.bareNumber(text) {
            self = .number(number)
            return
        }
        self = .other
    }

    private static func classify(value: Reading, step: Reading?) -> ObjectiveLine {
        let number: Double
        switch value {
        case .number(let x): number = x
        case .null: return .invalid("it reported a null value")
        case .text(let text):
            if let special = specialNumber(text) {
                number = special
            } else if let x = Double(text) {
                guard x.isFinite else { return .invalid("it reported the value \(text), beyond the range of a 64-bit floating-point number") }
                number = x
            } else {
                return .invalid("it reported the value \"\(text)\", which is not a number")
            }
        case .other(let kind): return .invalid("it reported a value that is \(kind), not a number")
        }
        guard let step else { return .value(number) }
        guard case .number(let k) = step, k >= 0, k.rounded() == k, k < 9e15 else {
            return .invalid("it reported a learning-curve step \(step.text); steps are whole numbers from 0")
        }
        return .intermediate(step: Int(k), value: number)
    }

    /// A JSON value as read from a report.
    private enum Reading: Decodable {
        case number(Double)
        case null
        case text(String)
        case other(String)

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if (try? container.decode(Bool.self)) != nil {
                self = .other("a boolean")
            } else {
                self = .other("a list or an object")
            }
        }

        var text: String {
            switch self {
            case .number(let x): return formatted(x)
            case .null: return "null"
            case .text(let text): return text
            case .other(let kind): return kind
            }
        }

        private func formatted(_ x: Double) -> String {
            x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : String(x)
        }
    }

    /// A JSON line `{"value": …}` or `{"step": …, "value": …}` (other keys ignored).
    private struct Report: Decodable {
        var value: Reading?
        var step: Reading?

        enum CodingKeys: String, CodingKey { case value, step }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            // A key that is present is read even when null (`decodeIfPresent` would drop it).
            value = container.contains(.value) ? try container.decode(Reading.self, forKey: .value) : nil
            step = container.contains(.step) ? try container.decode(Reading.self, forKey: .step) : nil
        }

        static func parse(_ text: String) -> Report? {
            // Numbers beyond a double's range (1e999) cannot be decoded as numbers: they are read
            // as strings, which `classify` explains.
            var text = text
            if let hugeNumber, text.contains(where: { $0 == "e" || $0 == "E" }) {
                text = hugeNumber.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "\"$1\"")
            }
            let decoder = JSONDecoder()
            if let report = try? decoder.decode(Report.self, from: Data(text.utf8)) { return report }
            // Python's json.dumps writes NaN and Infinity, which strict JSON rejects.
            let relaxed = text.replacingOccurrences(of: "-Infinity", with: "\"-inf\"")
                .replacingOccurrences(of: "Infinity", with: "\"inf\"")
                .replacingOccurrences(of: "NaN", with: "\"nan\"")
            return try? decoder.decode(Report.self, from: Data(relaxed.utf8))
        }

        /// A number literal with a three-digit exponent, outside a string.
        private static let hugeNumber = try? NSRegularExpression(pattern: #"(?<=[:\[,\s])(-?[0-9]+(?:\.[0-9]+)?[eE]\+?[0-9]{3,})"#)
    }

    private static func specialNumber(_ text: String) -> Double? {
        switch text.lowercased() {
        case "nan", "+nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }

    private static func bareNumber(_ text: String) -> Double? {
        guard !text.isEmpty, text.count <= 64 else { return nil }
        if let special = specialNumber(text) { return special }
        guard text.allSatisfy({ $0.isNumber || "+-.eE".contains($0) }) else { return nil }
        return Double(text)
    }
}
