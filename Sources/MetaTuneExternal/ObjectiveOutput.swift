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
        if text.hasPrefix("{"), let report = Report.parse(text), let value = report.value {
            if report.hasStep {
                guard let step = report.step, step >= 0 else {
                    self = .other
                    return
                }
                self = .intermediate(step: step, value: value)
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

    /// A JSON line `{"value": …}` or `{"step": …, "value": …}` (other keys ignored).
    private struct Report: Decodable {
        var value: Double?
        var step: Int?
        var hasStep = false

        enum CodingKeys: String, CodingKey { case value, step }

        init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if container.contains(.value) {
                value = try container.decodeNil(forKey: .value) ? .nan : try container.decode(Double.self, forKey: .value)
            }
            hasStep = container.contains(.step)
            step = try? container.decode(Int.self, forKey: .step)
        }

        static func parse(_ text: String) -> Report? {
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            if let report = try? decoder.decode(Report.self, from: Data(text.utf8)) { return report }
            // Python's json.dumps writes NaN and Infinity, which strict JSON rejects.
            let relaxed = text.replacingOccurrences(of: "-Infinity", with: "\"-inf\"")
                .replacingOccurrences(of: "Infinity", with: "\"inf\"")
                .replacingOccurrences(of: "NaN", with: "\"nan\"")
            return try? decoder.decode(Report.self, from: Data(relaxed.utf8))
        }
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
