import Foundation
import MetaTune

/// Parallel coordinates: one vertical axis per parameter (most important first) and one for the
/// value; each complete trial is a line across them, coloured from best (dark) to worst (light).
enum ParallelCoordinatesPlot {
    static func make(_ study: StudySnapshot, order: [String]? = nil, maxLines: Int = 2_500) -> Plot? {
        let axes = study.axes(orderedBy: order, limit: 12)
        let complete = study.complete.sorted { study.isBetter($0.value ?? 0, than: $1.value ?? 0) }
        guard !axes.isEmpty, complete.count >= 2 else { return nil }
        var canvas = SVGCanvas(width: 900, height: 380, margins: (40, 34, 60, 40))
        let columns = axes.count + 1
        let spacing = (canvas.plot.right - canvas.plot.left) / Double(max(columns - 1, 1))
        let scales = axes.map { $0.scale(start: canvas.plot.bottom, end: canvas.plot.top) }
        let valueScale = Scale(values: complete.compactMap(\.value), start: canvas.plot.bottom, end: canvas.plot.top)
        // The best lines all, the rest evenly sampled: the picture keeps its shape.
        let kept: [(rank: Int, trial: FrozenTrial)]
        if complete.count <= maxLines {
            kept = Array(complete.enumerated()).map { ($0.offset, $0.element) }
        } else {
            let head = maxLines / 2
            let stride = Double(complete.count - head) / Double(maxLines - head)
            kept = (0..<head).map { ($0, complete[$0]) }
                + (0..<(maxLines - head)).map { index in let rank = head + Int(Double(index) * stride); return (rank, complete[rank]) }
        }
        for (rank, trial) in kept.reversed() {
            var points: [(Double, Double)] = []
            for (column, axis) in axes.enumerated() {
                guard let coordinate = axis.coordinate(trial) else { continue }
                points.append((canvas.plot.left + Double(column) * spacing, scales[column].pixel(coordinate)))
            }
            points.append((canvas.plot.left + Double(axes.count) * spacing, valueScale.pixel(trial.value ?? 0)))
            let t = Double(rank) / Double(max(complete.count - 1, 1))
            canvas.polyline(points, stroke: Palette.ramp(t * 0.9), width: 1, opacity: rank < 10 ? 0.95 : 0.35,
                            title: rank < 200 ? "trial \(trial.number): \(formatValue(trial.value))" : nil)
        }
        for (column, axis) in axes.enumerated() {
            let px = canvas.plot.left + Double(column) * spacing
            drawAxis(&canvas, at: px, title: ParameterAxis.shorten(axis.name, to: 16) + (axis.isLog ? " (log)" : ""), ticks: axis.ticks(scales[column]), scale: scales[column])
        }
        drawAxis(&canvas, at: canvas.plot.left + Double(axes.count) * spacing, title: "value", ticks: valueScale.ticks(count: 5), scale: valueScale)
        let caption = complete.count <= maxLines ? "\(complete.count) complete trials; the darkest lines are the best."
            : "\(kept.count) of \(complete.count) complete trials: the best \(maxLines / 2) and an even sample of the rest; the darkest lines are the best."
        return Plot(id: "parallel", title: "Parallel coordinates", svg: canvas.svg(label: "parallel coordinates"), caption: caption)
    }

    private static func drawAxis(_ canvas: inout SVGCanvas, at px: Double, title: String, ticks: [(value: Double, label: String)], scale: Scale) {
        canvas.line(px, canvas.plot.top, px, canvas.plot.bottom, stroke: "#555")
        canvas.text(title, px, canvas.plot.top - 14, anchor: "middle", size: 10, weight: "bold")
        for tick in ticks {
            let py = scale.pixel(tick.value)
            guard py >= canvas.plot.top - 1, py <= canvas.plot.bottom + 1 else { continue }
            canvas.line(px - 3, py, px + 3, py, stroke: "#555")
            canvas.text(tick.label, px + 5, py + 3, size: 9, fill: "#555")
        }
    }
}
