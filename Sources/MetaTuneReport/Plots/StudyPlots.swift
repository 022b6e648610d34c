import Foundation
import MetaTune

/// Every plot that applies to a study, in reading order: what the report and the dashboard show.
public enum StudyPlots {
    /// The choices a page can make about its plots.
    public struct Options: Sendable {
        /// Studies added to the history and EDF plots.
        public var compare: [StudySnapshot] = []
        /// The importance method (nil: no importance, nor ordering of parameters by it).
        public var importance: ImportanceMethod? = .pedANOVA
        /// A log value axis; nil chooses one when every value is positive and they span more than
        /// two decades.
        public var logScale: Bool?
        /// The contour's pair (nil: the two most important parameters).
        public var contour: (x: String, y: String)?
        /// How many of the best learning curves to draw.
        public var topCurves = 20

        public init() {}
    }

    /// The plots that apply to `study`, and its importances when they could be measured.
    public static func make(_ study: StudySnapshot, options: Options = Options()) -> (plots: [Plot], importances: ParameterImportances?) {
        let importances = options.importance.flatMap { try? ParameterImportanceEvaluator(method: $0).evaluate(study.trials, direction: study.direction) }
        let order = importances?.entries.map(\.name)
        let log = options.logScale ?? prefersLogScale(study.complete.compactMap(\.value))
        var plots: [Plot?] = [
            HistoryPlot.make(study, compare: options.compare, logScale: log),
            IntermediateValuesPlot.make(study, topK: options.topCurves, logScale: log),
            importances.map(ImportancePlot.make),
            ParallelCoordinatesPlot.make(study, order: order),
            SlicePlot.make(study, order: order),
        ]
        let names = order ?? study.parameters.map(\.name)
        if let pair = options.contour ?? (names.count >= 2 ? (names[0], names[1]) : nil) {
            plots.append(ContourPlot.make(study, x: pair.x, y: pair.y))
        }
        plots += [
            RankPlot.make(study, order: order),
            EDFPlot.make([study] + options.compare),
            TimelinePlot.make(study),
            RungsPlot.make(study),
            PBTLineagePlot.make(study),
            MetaLearningSummary(study: study.record).flatMap(SimilarTasksPlot.make),
        ]
        return (plots.compactMap { $0 }, importances)
    }

    /// Whether a value axis reads better on a log scale: all positive, spanning over two decades.
    static func prefersLogScale(_ values: [Double]) -> Bool {
        guard let low = values.min(), let high = values.max(), low > 0 else { return false }
        return high / low > 100
    }
}
