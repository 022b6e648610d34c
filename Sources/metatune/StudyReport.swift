import Foundation
import MetaTune

/// Whole-study output: the JSON summary (exports: `StudyExport`, `TrialsTable`).
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
}
