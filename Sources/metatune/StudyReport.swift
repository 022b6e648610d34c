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

    /// Every detail of every trial, including learning curves and attributes.
    static func exportJSON(_ record: StudyRecord, trials: [FrozenTrial]) -> String {
        var object = OrderedJSONObject()
        object.add("name", record.name)
        object.add("direction", record.direction.rawValue)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var distributions = OrderedJSONObject()
        var latest: [String: Distribution] = [:]
        for trial in trials.sorted(by: { $0.number < $1.number }) { latest.merge(trial.distributions) { $1 } }
        for name in latest.keys.sorted() { distributions.addRaw(name, distributionJSON(latest[name]!)) }
        object.addRaw("distributions", distributions.text)
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

    /// A parameter's distribution (the latest a trial used) as `{"type": "float"|"int"|"categorical", …}`.
    static func distributionJSON(_ distribution: Distribution) -> String {
        var object = OrderedJSONObject()
        switch distribution {
        case .float(let d):
            object.add("type", "float")
            object.add("low", d.low)
            object.add("high", d.high)
            object.addRaw("log", d.log ? "true" : "false")
            if let step = d.step { object.add("step", step) }
        case .int(let d):
            object.add("type", "int")
            object.add("low", d.low)
            object.add("high", d.high)
            object.addRaw("log", d.log ? "true" : "false")
            object.add("step", d.step)
        case .categorical(let d):
            object.add("type", "categorical")
            object.addRaw("choices", "[" + d.choices.map(TrialReport.valueJSON).joined(separator: ",") + "]")
        }
        return object.text
    }
}
