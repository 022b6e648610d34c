import Foundation
import MetaTune

/// Learning curves: the intermediate values of the best `topK` complete trials, and of pruned
/// trials in a group the page can hide.
enum IntermediateValuesPlot {
    static func make(_ study: StudySnapshot, topK: Int = 20, maxPruned: Int = 300, logScale: Bool = false) -> Plot? {
        let withCurves = study.trials.filter { !$0.intermediateValues.isEmpty }
        guard !withCurves.isEmpty else { return nil }
        let best = study.complete.filter { !$0.intermediateValues.isEmpty }
            .sorted { study.isBetter($0.value ?? 0, than: $1.value ?? 0) }.prefix(max(topK, 1))
        let pruned = withCurves.filter { $0.state == .pruned }.suffix(max(maxPruned, 0))
        let others = withCurves.filter { $0.state == .running }
        let shown = Array(best) + pruned + others
        guard !shown.isEmpty else { return nil }
        var canvas = SVGCanvas()
        let steps = shown.flatMap { $0.intermediateValues.keys.map(Double.init) }
        let values = shown.flatMap { $0.intermediateValues.values }
        let x = Scale(values: steps, start: canvas.plot.left, end: canvas.plot.right)
        let y = Scale(values: values, start: canvas.plot.bottom, end: canvas.plot.top, log: logScale)
        canvas.axes(x: x, y: y, xTitle: "step", yTitle: "intermediate value" + (y.log ? " (log)" : ""))
        func curve(_ trial: FrozenTrial) -> [(Double, Double)] {
            trial.intermediateValues.sorted { $0.key < $1.key }.map { (x.pixel(Double($0.key)), y.pixel($0.value)) }
        }
        canvas.beginGroup(className: "pruned")
        for trial in pruned {
            canvas.polyline(curve(trial), stroke: Palette.color(of: .pruned), width: 1, opacity: 0.45,
                            title: "trial \(trial.number) (pruned at step \(trial.lastIntermediate?.step ?? 0))")
        }
        canvas.endGroup()
        for trial in others {
            canvas.polyline(curve(trial), stroke: Palette.color(of: .running), width: 1.2, opacity: 0.8, title: "trial \(trial.number) (running)")
        }
        for (rank, trial) in best.enumerated().reversed() {
            canvas.polyline(curve(trial), stroke: Palette.ramp(Double(rank) / Double(max(best.count - 1, 1)) * 0.85), width: rank == 0 ? 2.2 : 1.3,
                            title: "trial \(trial.number): #\(rank + 1), value \(formatValue(trial.value))")
        }
        canvas.legend([("best", Palette.ramp(0)), ("pruned", Palette.color(of: .pruned))] + (others.isEmpty ? [] : [("running", Palette.color(of: .running))]))
        let prunedTotal = withCurves.filter { $0.state == .pruned }.count
        var caption = "The best \(best.count) of \(study.complete.filter { !$0.intermediateValues.isEmpty }.count) complete trials' curves (darkest is best)"
        caption += prunedTotal > 0 ? "; \(pruned.count == prunedTotal ? "all \(prunedTotal)" : "the latest \(pruned.count) of \(prunedTotal)") pruned curves in orange." : "."
        return Plot(id: "intermediate", title: "Learning curves", svg: canvas.svg(label: "learning curves"), caption: caption)
    }
}
