import Foundation

/// A whole study as one JSON document — what `metatune study export --format json` writes:
/// `{"name", "direction", "distributions": {name: distribution}, "trials": [{"number", "state",
/// "value", "params", "duration_s", "intermediate_values", "user_attrs", "reason"?}]}`, with each
/// parameter's distribution the latest a trial used. `TrialsTable` is the tabular (CSV) form.
public enum StudyExport {
    /// The document for `record` and its `trials`.
    public static func json(_ record: StudyRecord, trials: [FrozenTrial]) -> String {
        var object = OrderedJSONObject()
        object.add("name", record.name)
        object.add("direction", record.direction.rawValue)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var latest: [String: Distribution] = [:]
        for trial in trials.sorted(by: { $0.number < $1.number }) { latest.merge(trial.distributions) { $1 } }
        var distributions = OrderedJSONObject()
        for (name, distribution) in latest.sorted(by: { $0.key < $1.key }) { distributions.addRaw(name, json(distribution: distribution)) }
        object.addRaw("distributions", distributions.text)
        let rows = trials.map { trial -> String in
            var row = OrderedJSONObject()
            row.add("number", trial.number)
            row.add("state", trial.state.rawValue)
            row.add("value", trial.value)
            row.addRaw("params", json(params: trial.params))
            row.add("duration_s", trial.duration)
            var curve = OrderedJSONObject()
            for (step, value) in trial.intermediateValues.sorted(by: { $0.key < $1.key }) { curve.add(String(step), value) }
            row.addRaw("intermediate_values", curve.text)
            row.addRaw("user_attrs", (try? String(decoding: encoder.encode(trial.userAttributes), as: UTF8.self)) ?? "{}")
            if let reason = trial.failReason { row.add("reason", reason) }
            return row.text
        }
        object.addRaw("trials", "[" + rows.joined(separator: ",") + "]")
        return object.text + "\n"
    }

    /// Parameters as a JSON object, sorted by name.
    public static func json(params: [String: ParamValue]) -> String {
        var object = OrderedJSONObject()
        for (name, value) in params.sorted(by: { $0.key < $1.key }) { object.addRaw(name, json(value: value)) }
        return object.text
    }

    /// One parameter value as JSON: a number, a string or a boolean.
    public static func json(value: ParamValue) -> String {
        switch value {
        case .float(let value): jsonNumber(value)
        case .int(let value): String(value)
        case .string(let value): jsonString(value)
        case .bool(let value): value ? "true" : "false"
        }
    }

    /// A distribution as `{"type": "float"|"int"|"categorical", …}` with its bounds, log scale
    /// and step, or its choices.
    public static func json(distribution: Distribution) -> String {
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
            object.addRaw("choices", "[" + d.choices.map { json(value: $0) }.joined(separator: ",") + "]")
        }
        return object.text
    }
}
