import Foundation
import MetaTune

/// The trial table: the trials as JSON inside the page, drawn by the page's script a page of rows
/// at a time, sortable by any column and filterable by state and text — fast with 10,000 trials.
enum TrialTableHTML {
    /// Rows per page of the table.
    static let pageSize = 200

    static func make(_ study: StudySnapshot) -> String {
        let names = study.parameters.map(\.name)
        var html = "<div class=\"controls\"><label>state <select id=\"state-filter\"><option value=\"\">all</option>"
        for state in TrialState.allCases where study.trials.contains(where: { $0.state == state }) {
            html += "<option value=\"\(state.rawValue)\">\(state.rawValue)</option>"
        }
        html += "</select></label><label>contains <input id=\"text-filter\" type=\"search\" size=\"18\"></label>"
        html += "<button id=\"page-previous\" type=\"button\">◀</button> <span id=\"row-count\"></span> <button id=\"page-next\" type=\"button\">▶</button></div>"
        let headers = ["trial", "state", "value", "origin", "duration s"] + names + ["reason"]
        html += "<div class=\"table-wrap\"><table class=\"trials\" data-page-size=\"\(pageSize)\"><thead><tr>"
            + headers.map { "<th>\(escapeMarkup($0))</th>" }.joined() + "</tr></thead><tbody></tbody></table></div>"
        return html + "<script type=\"application/json\" id=\"trial-data\">\(json(study, names: names))</script>"
    }

    /// `[[number, state, value, origin, duration, params…, reason, origin detail], …]`; numbers as
    /// numbers (null when missing), so the script sorts them as numbers. No `<` appears in it, so it
    /// can never close its script element.
    static func json(_ study: StudySnapshot, names: [String]) -> String {
        var rows: [String] = []
        rows.reserveCapacity(study.trials.count)
        for trial in study.trials {
            var cells = [String(trial.number), jsonString(trial.state.rawValue), trial.value.map(jsonNumber) ?? "null",
                         jsonString(TrialOrigin(trial).label), trial.duration.map { jsonNumber(($0 * 100).rounded() / 100) } ?? "null"]
            for name in names {
                switch trial.params[name] {
                case .float(let x)?: cells.append(jsonNumber(x))
                case .int(let x)?: cells.append(String(x))
                case let other?: cells.append(jsonString(other.description))
                case nil: cells.append("null")
                }
            }
            cells.append(trial.failReason.map(jsonString) ?? "null")
            cells.append(jsonString(TrialOrigin.detail(trial)))
            rows.append("[" + cells.joined(separator: ",") + "]")
        }
        return ("[" + rows.joined(separator: ",\n") + "]").replacingOccurrences(of: "<", with: "\\u003c")
    }
}
