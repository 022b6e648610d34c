import Foundation
import MetaTune
import MetaTuneReport

/// The JSON the dashboard's API returns (documented in docs/dashboard-openapi.yaml).
enum DashboardJSON {
    static func studies(_ entries: [(record: StudyRecord, trials: [FrozenTrial])]) -> String {
        "[" + entries.map { study($0.record, trials: $0.trials, revision: nil) }.joined(separator: ",") + "]"
    }

    /// `{"name", "direction", "trials", "states": {state: count}, "best_value", "best_trial", "revision"}`.
    static func study(_ record: StudyRecord, trials: [FrozenTrial], revision: Int?) -> String {
        var object = OrderedJSONObject()
        object.add("name", record.name)
        object.add("direction", record.direction.rawValue)
        object.add("trials", trials.count)
        var states = OrderedJSONObject()
        for state in TrialState.allCases { states.add(state.rawValue, trials.filter { $0.state == state }.count) }
        object.addRaw("states", states.text)
        let best = StudyHistory(direction: record.direction, trials: trials).bestTrial
        object.add("best_value", best?.value)
        object.addRaw("best_trial", best.map { String($0.number) } ?? "null")
        if let revision { object.add("revision", revision) }
        return object.text
    }

    /// `{"revision": R, "trials": [trial, …]}`.
    static func changes(_ trials: [FrozenTrial], revision: Int) -> String {
        "{\"revision\":\(revision),\"trials\":[" + trials.sorted { $0.number < $1.number }.map(trial).joined(separator: ",") + "]}"
    }

    /// One trial: number, state, value, params, intermediate_values, times, duration, reason,
    /// origin (its kind) and origin_detail, and the stored tail of a command's standard error.
    static func trial(_ trial: FrozenTrial) -> String {
        var object = OrderedJSONObject()
        object.add("number", trial.number)
        object.add("state", trial.state.rawValue)
        object.add("value", trial.value)
        var params = OrderedJSONObject()
        for (name, value) in trial.params.sorted(by: { $0.key < $1.key }) {
            switch value {
            case .float(let x): params.add(name, x)
            case .int(let x): params.add(name, x)
            case .string(let x): params.add(name, x)
            case .bool(let x): params.addRaw(name, x ? "true" : "false")
            }
        }
        object.addRaw("params", params.text)
        var curve = OrderedJSONObject()
        for (step, value) in trial.intermediateValues.sorted(by: { $0.key < $1.key }) { curve.add(String(step), value) }
        object.addRaw("intermediate_values", curve.text)
        let iso = ISO8601DateFormatter()
        object.addRaw("started_at", trial.startedAt.map { jsonString(iso.string(from: $0)) } ?? "null")
        object.addRaw("completed_at", trial.completedAt.map { jsonString(iso.string(from: $0)) } ?? "null")
        object.add("duration_s", trial.duration)
        object.addRaw("reason", trial.failReason.map(jsonString) ?? "null")
        object.add("origin", trial.originKind)
        object.add("origin_detail", trial.originDetail)
        object.addRaw("stderr_tail", trial.systemAttributes["stderr_tail"]?.stringValue.map(jsonString) ?? "null")
        return object.text
    }

    /// `{"method", "trials_used", "importances": [{"name", "importance", "trials"}]}`.
    static func importance(_ importances: ParameterImportances) -> String {
        var object = OrderedJSONObject()
        object.add("method", importances.method.rawValue)
        object.add("trials_used", importances.trialsUsed)
        object.addRaw("importances", "[" + importances.entries.map { entry in
            var row = OrderedJSONObject()
            row.add("name", entry.name)
            row.add("importance", entry.importance)
            row.add("trials", entry.trials)
            return row.text
        }.joined(separator: ",") + "]")
        return object.text
    }

    /// `{"revision", "plots": [{"id", "title", "svg", "caption"}]}`.
    static func plots(_ plots: [Plot], revision: Int) -> String {
        "{\"revision\":\(revision),\"plots\":[" + plots.map { plot in
            var object = OrderedJSONObject()
            object.add("id", plot.id)
            object.add("title", plot.title)
            object.add("svg", plot.svg)
            object.add("caption", plot.caption)
            return object.text
        }.joined(separator: ",") + "]}"
    }
}
