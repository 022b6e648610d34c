import Foundation
import MetaTune

/// The pieces of the report page that other pages (the dashboard's) are built from.
public enum ReportPieces {
    /// The study's summary table, best trial and meta-learning explanation.
    public static func summary(_ study: StudySnapshot, importances: ParameterImportances?) -> String {
        HTMLReport.summary(study, importances: importances)
    }

    /// The trial table with its controls and data (drawn by `ReportAssets.script`).
    public static func trialTable(_ study: StudySnapshot) -> String { TrialTableHTML.make(study) }

    /// A plot as a page section `plot-ID` with its heading and caption.
    public static func section(_ plot: Plot) -> String {
        "<section id=\"plot-\(escapeMarkup(plot.id))\" class=\"plot\"><h2>\(escapeMarkup(plot.title))</h2><div class=\"svg\">\(plot.svg)</div><p class=\"caption\">\(escapeMarkup(plot.caption))</p></section>"
    }
}

extension FrozenTrial {
    /// Where the trial's configuration came from, as reports group it: `sampler`, `enqueued`,
    /// `retry` or `meta: KIND` (KIND as the sampler named it: knn, portfolio, transfer, mapping, …).
    public var originKind: String { TrialOrigin(self).label }
    /// The origin in the sampler's words when it recorded one, else `originKind`.
    public var originDetail: String { TrialOrigin.detail(self) }
}

extension ReportPieces {
    /// One trial's learning curve, or nil when it reported none.
    public static func curve(of trial: FrozenTrial, in study: StudySnapshot) -> Plot? {
        IntermediateValuesPlot.make(StudySnapshot(record: study.record, trials: [trial]), topK: 1, maxPruned: 1)
    }
}
