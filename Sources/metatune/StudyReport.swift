import Foundation
import MetaTune

/// Whole-study output: the JSON summary, and exports.
enum StudyReport {
    static func json(_ record: StudyRecord, trials: [FrozenTrial]) -> String {
        var object = OrderedJSONObject()
        object.add("name", record.name)
        object.add("direction", record.direction.rawValue)
        object.add("trials", trials.count)
        var counts = OrderedJSONObject()
        for state in TrialState.allCases { counts.add(state.rawValue, trials.filter { $0.state == state }.count) }
        object.addRaw("states", counts.text)
        let best = StudyHistory(direction: record.direction, trials: trials).bestTrial
        object.addRaw("best", best.map(TrialReport.json) ?? "null")
        return object.text
    }

    /// One row per trial: number, state, value, duration, then one column per parameter, then the reason.
    static func csv(_ trials: [FrozenTrial]) -> String {
        let names = Array(Set(trials.flatMap(\.params.keys))).sorted()
        let header: [String] = ["number", "state", "value", "duration_s"] + names.map { "param_" + $0 } + ["reason"]
        var lines = [header.map(csvField).joined(separator: ",")]
        for trial in trials {
            var cells: [String] = [String(trial.number), trial.state.rawValue]
            cells.append(trial.value.map { "\($0)" } ?? "")
            cells.append(trial.duration.map { "\($0)" } ?? "")
            cells += names.map { trial.params[$0]?.description ?? "" }
            cells.append(trial.failReason ?? "")
            lines.append(cells.map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Every detail of every trial, including learning curves and attributes.
    static func exportJSON(_ record: StudyRecord, trials: [FrozenTrial]) -> String {
        var object = OrderedJSONObject()
        object.add("name", record.name)
        object.add("direction", record.direction.rawValue)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = trials.map { trial -> String in
            var row = OrderedJSONObject()
            row.add("number", trial.number)
            row.add("state", trial.state.rawValue)
            row.add("value", trial.value)
            row.addRaw("params", TrialReport.paramsJSON(trial.params))
            row.add("duration_s", trial.duration)
            var curve = OrderedJSONObject()
            for step in trial.intermediateValues.keys.sorted() { curve.add(String(step), trial.intermediateValues[step]!) }
            row.addRaw("intermediate_values", curve.text)
            row.addRaw("user_attrs", (try? String(decoding: encoder.encode(trial.userAttributes), as: UTF8.self)) ?? "{}")
            if let reason = trial.failReason { row.add("reason", reason) }
            return row.text
        }
        object.addRaw("trials", "[" + rows.joined(separator: ",") + "]")
        return object.text + "\n"
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
