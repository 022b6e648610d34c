import Foundation
import MetaTune
import MetaTuneReport

/// The dashboard's HTML pages. Everything is inline (style, script, SVG); the pages fetch only
/// the dashboard's own API.
enum DashboardPages {
    static func page(title: String, body: String, bodyAttributes: String = "", script: String = "") -> String {
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\">"
            + "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; img-src data:\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>\(escapeMarkup(title))</title>"
            + "<style>\(ReportAssets.css)\nnav a{color:#fff;margin-right:16px}#live{font-size:12px;opacity:.85}a{color:#0b5394}</style></head>"
            + "<body\(bodyAttributes)><header><nav><a href=\"/\">MetaTune dashboard</a></nav><h1>\(escapeMarkup(title))</h1><p id=\"live\"></p></header><main>\(body)</main>"
            + (script.isEmpty ? "" : "<script>\(script)</script>") + "</body></html>"
    }

    /// `/studies/NAME` with the name percent-encoded.
    static func studyPath(_ name: String) -> String { "/studies/" + encode(name) }

    static func encode(_ name: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#&=+")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name
    }

    /// The study list, refreshed every two seconds.
    static func studyList(_ studies: [(record: StudyRecord, trials: [FrozenTrial])]) -> String {
        var body = "<section><table class=\"trials\" id=\"studies\"><thead><tr><th>study</th><th>direction</th><th>trials</th><th>complete</th><th>running</th><th>best</th></tr></thead><tbody>"
        for study in studies {
            let best = StudyHistory(direction: study.record.direction, trials: study.trials).bestTrial
            body += "<tr><td><a href=\"\(studyPath(study.record.name))\">\(escapeMarkup(study.record.name))</a></td><td>\(study.record.direction.rawValue)</td>"
                + "<td>\(study.trials.count)</td><td>\(study.trials.filter { $0.state == .complete }.count)</td>"
                + "<td>\(study.trials.filter { $0.state == .running }.count)</td><td>\(escapeMarkup(best.map { String(format: "%.6g", $0.value ?? .nan) } ?? "–"))</td></tr>"
        }
        body += "</tbody></table></section>"
        if studies.count >= 2 {
            body += "<section><h2>Compare</h2><form action=\"/compare\" method=\"get\"><input name=\"studies\" size=\"40\" placeholder=\"study-a,study-b\"> <button>compare</button></form></section>"
        }
        return page(title: "Studies", body: body, script: DashboardScripts.studyList)
    }

    /// A study's page: summary, plots and trial table, updated live.
    static func study(_ snapshot: StudySnapshot, plots: [Plot], importances: ParameterImportances?, revision: Int) -> String {
        var body = ReportPieces.summary(snapshot, importances: importances)
        body += "<p><a href=\"\(studyPath(snapshot.record.name))/export.csv\">export CSV</a></p>"
        if plots.contains(where: { $0.id == "intermediate" }) {
            body += "<div class=\"controls\"><label><input type=\"checkbox\" id=\"hide-pruned\"> hide pruned learning curves</label></div>"
        }
        body += "<div id=\"plots\">" + plots.map(ReportPieces.section).joined() + "</div>"
        body += "<section id=\"trials\"><h2>Trials</h2>\(ReportPieces.trialTable(snapshot))</section>"
        let attributes = " data-study=\"\(escapeMarkup(snapshot.record.name))\" data-revision=\"\(revision)\""
        return page(title: "Study \(snapshot.record.name)", body: body, bodyAttributes: attributes,
                    script: ReportAssets.script + DashboardScripts.studyPage)
    }

    /// One trial: parameters, learning curve, failure reason and the command's last output.
    static func trial(_ trial: FrozenTrial, study: StudySnapshot) -> String {
        var body = "<section><table class=\"summary\"><tr><td>state</td><td>\(trial.state.rawValue)</td></tr>"
            + "<tr><td>value</td><td>\(escapeMarkup(trial.value.map { String(format: "%.6g", $0) } ?? "–"))</td></tr>"
            + "<tr><td>origin</td><td>\(escapeMarkup(trial.originDetail))</td></tr>"
            + (trial.duration.map { "<tr><td>duration</td><td>\(String(format: "%.2f", $0)) s</td></tr>" } ?? "")
        body += trial.params.sorted { $0.key < $1.key }.map { "<tr><td>\(escapeMarkup($0.key))</td><td>\(escapeMarkup($0.value.description))</td></tr>" }.joined()
        body += "</table></section>"
        if let reason = trial.failReason { body += "<section><h2>Reason</h2><pre>\(escapeMarkup(reason))</pre></section>" }
        if let tail = trial.systemAttributes["stderr_tail"]?.stringValue, !tail.isEmpty {
            body += "<section><h2>Standard error (last lines)</h2><pre>\(escapeMarkup(tail))</pre></section>"
        }
        if let curve = ReportPieces.curve(of: trial, in: study) { body += ReportPieces.section(curve) }
        body += "<p><a href=\"\(studyPath(study.record.name))\">back to \(escapeMarkup(study.record.name))</a></p>"
        return page(title: "Trial \(trial.number) of \(study.record.name)", body: body)
    }

    /// Studies side by side: the first study's history with the others' best-so-far, and the EDF.
    static func compare(_ studies: [StudySnapshot]) -> String {
        guard let first = studies.first else { return page(title: "Compare", body: "<p>Name two or more studies: /compare?studies=a,b</p>") }
        var options = StudyPlots.Options()
        options.compare = Array(studies.dropFirst())
        options.importance = nil
        let plots = StudyPlots.make(first, options: options).plots.filter { $0.id == "history" || $0.id == "edf" }
        return page(title: "Compare " + studies.map(\.record.name).joined(separator: ", "), body: plots.map(ReportPieces.section).joined())
    }

    static func notFound(_ what: String) -> String { page(title: "Not found", body: "<p>\(escapeMarkup(what))</p>") }
}
