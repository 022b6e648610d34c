import Foundation
import MetaTune

/// A study as one self-contained HTML file: summary, best trial, every plot that applies and the
/// trial table — inline SVG, CSS and script, no request to anywhere when it is opened.
///
/// ```swift
/// let snapshot = try StudySnapshot(name: "mlp", storage: storage)
/// try HTMLReport.render(snapshot).write(toFile: "mlp.html", atomically: true, encoding: .utf8)
/// ```
public enum HTMLReport {
    /// The page for `study`; `options` adds studies to compare and chooses the plots' settings.
    public static func render(_ study: StudySnapshot, options: StudyPlots.Options = .init(), generatedAt: Date = Date()) -> String {
        let (plots, importances) = StudyPlots.make(study, options: options)
        let name = escapeMarkup(study.record.name)
        var html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        html += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>MetaTune report: \(name)</title>"
        html += "<style>\(ReportAssets.css)</style></head><body>"
        let compared = options.compare.map { escapeMarkup($0.record.name) }
        html += "<header><h1>Study \(name)</h1><p>MetaTune report, \(ISO8601DateFormatter().string(from: generatedAt))"
            + (compared.isEmpty ? "" : " · compared with " + compared.joined(separator: ", ")) + "</p></header><main>"
        html += summary(study, importances: importances)
        if plots.contains(where: { $0.id == "intermediate" }) {
            html += "<div class=\"controls\"><label><input type=\"checkbox\" id=\"hide-pruned\"> hide pruned learning curves</label></div>"
        }
        for plot in plots { html += ReportPieces.section(plot) }
        html += "<section id=\"trials\"><h2>Trials</h2>\(TrialTableHTML.make(study))</section>"
        html += "</main><script>\(ReportAssets.script)</script></body></html>\n"
        return html
    }

    /// The study summary and its best trial.
    static func summary(_ study: StudySnapshot, importances: ParameterImportances?) -> String {
        var rows: [(String, String)] = [("direction", study.direction.rawValue),
                                        ("created", ISO8601DateFormatter().string(from: study.record.createdAt))]
        let counts = TrialState.allCases.map { state in (state, study.trials.filter { $0.state == state }.count) }.filter { $0.1 > 0 }
        rows.append(("trials", "\(study.trials.count)" + (counts.isEmpty ? "" : " (" + counts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ") + ")")))
        if let scheduler = study.scheduler, let kind = scheduler["kind"]?.stringValue {
            rows.append(("scheduler", kind + (scheduler["summary"]?.stringValue.map { ": " + $0 } ?? "")))
        }
        if let top = importances?.entries.first { rows.append(("most important", "\(top.name) (\(String(format: "%.2f", top.importance)))")) }
        var html = "<section id=\"summary\"><table class=\"summary\">"
        html += rows.map { "<tr><td>\(escapeMarkup($0.0))</td><td>\(escapeMarkup($0.1))</td></tr>" }.joined() + "</table></section>"
        if let best = study.best {
            html += "<section id=\"best\"><h2>Best trial: #\(best.number), value \(escapeMarkup(formatValue(best.value)))</h2><table class=\"summary\">"
            html += best.params.sorted { $0.key < $1.key }.map { "<tr><td>\(escapeMarkup($0.key))</td><td>\(escapeMarkup($0.value.description))</td></tr>" }.joined()
            html += "<tr><td>origin</td><td>\(escapeMarkup(TrialOrigin.detail(best)))</td></tr></table></section>"
        }
        if let meta = MetaLearningSummary(study: study.record), !meta.explanation.isEmpty {
            html += "<section id=\"meta-learning\"><h2>Meta-learning</h2><pre>\(escapeMarkup(meta.explanation))</pre></section>"
        }
        return html
    }
}
