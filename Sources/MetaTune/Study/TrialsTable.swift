import Foundation

/// A study's trials as a table, for analysis and export: one row per trial with its number,
/// state, value, parameters, times, learning curve and failure reason; `csv()` writes it out.
public struct TrialsTable: Sendable {
    /// One trial.
    public struct Row: Sendable, Hashable {
        public let number: Int
        public let state: TrialState
        public let value: Double?
        public let params: [String: ParamValue]
        public let startedAt: Date?
        public let completedAt: Date?
        /// Seconds from start to end of a finished trial.
        public let duration: TimeInterval?
        /// The learning curve, by step.
        public let intermediateValues: [Int: Double]
        public let failReason: String?
    }

    /// Every parameter any trial has, sorted: the table's parameter columns.
    public let parameterNames: [String]
    /// The trials, in number order.
    public let rows: [Row]

    public init(trials: [FrozenTrial]) {
        parameterNames = Set(trials.flatMap(\.params.keys)).sorted()
        rows = trials.sorted { $0.number < $1.number }.map { trial in
            Row(number: trial.number, state: trial.state, value: trial.value, params: trial.params,
                startedAt: trial.startedAt, completedAt: trial.completedAt, duration: trial.duration,
                intermediateValues: trial.intermediateValues, failReason: trial.failReason)
        }
    }

    /// The table as CSV: `number,state,value,duration_s`, a `param_NAME` column per parameter,
    /// then `reason`; empty cells for what a trial lacks; fields quoted where needed.
    public func csv() -> String {
        let header = ["number", "state", "value", "duration_s"] + parameterNames.map { "param_" + $0 } + ["reason"]
        var lines = [header.map(Self.csvField).joined(separator: ",")]
        for row in rows {
            var cells = [String(row.number), row.state.rawValue, row.value.map { "\($0)" } ?? "", row.duration.map { "\($0)" } ?? ""]
            cells += parameterNames.map { row.params[$0]?.description ?? "" }
            cells.append(row.failReason ?? "")
            lines.append(cells.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
