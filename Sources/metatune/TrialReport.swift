import Foundation
import MetaTune

/// The machine-readable form of a trial shared by `run --json` and `study trials --json`:
/// `{"number", "state", "value", "params", "duration_s"}` (plus `reason` for failed or pruned ones).
enum TrialReport {
    static func json(_ trial: FrozenTrial) -> String {
        var object = OrderedJSONObject()
        object.add("number", trial.number)
        object.add("state", trial.state.rawValue)
        object.add("value", trial.value)
        object.addRaw("params", StudyExport.json(params: trial.params))
        object.add("duration_s", trial.duration)
        if let reason = trial.failReason { object.add("reason", reason) }
        return object.text
    }

    /// Prints `  name = value` lines, sorted by name.
    static func printParams(_ params: [String: ParamValue]) {
        for name in params.keys.sorted() { print("  \(name) = \(params[name]!)") }
    }

    /// A value for a table cell.
    static func cell(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.6g", value)
    }
}

/// Prints rows as a left-aligned text table.
func printTable(_ header: [String], _ rows: [[String]]) {
    var widths = header.map(\.count)
    for row in rows {
        for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
    }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, cell in i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
            .joined(separator: "  ")
    }
    print(line(header))
    for row in rows { print(line(row)) }
}
