import Foundation
import MetaTune

/// Slices: for each parameter, every complete trial's value against that parameter's value.
enum SlicePlot {
    /// Markers with hover details per panel, the best first (more would only weigh the page down).
    static let hoverLimit = 300

    static func make(_ study: StudySnapshot, order: [String]? = nil) -> Plot? {
        let complete = study.complete
        let axes = study.axes(orderedBy: order, limit: 12)
        guard !complete.isEmpty, !axes.isEmpty else { return nil }
        let perRow = min(axes.count, 4)
        let rows = (axes.count + perRow - 1) / perRow
        let panelWidth = 230.0, panelHeight = 190.0
        var canvas = SVGCanvas(width: panelWidth * Double(perRow), height: panelHeight * Double(rows), margins: (0, 0, 0, 0))
        let values = complete.compactMap(\.value)
        var drawn = 0, total = 0
        for (index, axis) in axes.enumerated() {
            let left: Double = Double(index % perRow) * panelWidth
            let top: Double = Double(index / perRow) * panelHeight
            let panel = (left: left + 48, top: top + 10, right: left + panelWidth - 10, bottom: top + panelHeight - 36)
            let x = axis.scale(start: panel.left, end: panel.right)
            let y = Scale(values: values, start: panel.bottom, end: panel.top)
            canvas.rect(panel.left, panel.top, panel.right - panel.left, panel.bottom - panel.top, fill: "#fafafa")
            for tick in y.ticks(count: 4) {
                let py = y.pixel(tick.value)
                guard py >= panel.top, py <= panel.bottom else { continue }
                canvas.line(panel.left, py, panel.right, py, stroke: "#e6e6e6")
                canvas.text(tick.label, panel.left - 4, py + 3, anchor: "end", size: 9)
            }
            for tick in axis.ticks(x) {
                let px = x.pixel(tick.value)
                guard px >= panel.left - 1, px <= panel.right + 1 else { continue }
                canvas.text(tick.label, px, panel.bottom + 12, anchor: "middle", size: 9)
            }
            canvas.text(ParameterAxis.shorten(axis.name, to: 28) + (axis.isLog ? " (log)" : ""), (panel.left + panel.right) / 2, panel.bottom + 27, anchor: "middle", size: 11)
            var thinning = PixelThinning()
            var panelDrawn = 0
            var markers = MarkerBatch(radius: 2.2, opacity: 0.6)
            for trial in complete.sorted(by: { study.isBetter($0.value ?? 0, than: $1.value ?? 0) }) {
                guard let coordinate = axis.coordinate(trial), let value = trial.value else { continue }
                total += 1
                var px = x.pixel(coordinate)
                if let choices = axis.choices {
                    // Spread a category's markers sideways a little, so that they do not all overlap.
                    let band: Double = min(24, (panel.right - panel.left) / Double(max(choices.count, 1)) * 0.5)
                    px += (Double(trial.number % 17) / 16 - 0.5) * band
                }
                let py = y.pixel(value)
                guard thinning.keep(px, py) else { continue }
                drawn += 1
                panelDrawn += 1
                let titled = panelDrawn <= hoverLimit
                markers.add(px, py, fill: Palette.series(0),
                            title: !titled ? nil : "trial \(trial.number): \(axis.name) = \(trial.params[axis.name]?.description ?? "–"), value \(formatValue(value))")
            }
            markers.draw(on: &canvas)
        }
        let caption = "Value against each parameter (\(complete.count) complete trials)" + (drawn < total ? "; overlapping markers drawn once." : ".")
        return Plot(id: "slice", title: "Slices", svg: canvas.svg(label: "slice plots"), caption: caption)
    }
}
