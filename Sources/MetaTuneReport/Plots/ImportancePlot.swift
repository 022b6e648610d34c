import Foundation
import MetaTune

/// Parameter importance as horizontal bars, most important on top.
enum ImportancePlot {
    static func make(_ importances: ParameterImportances) -> Plot {
        let entries = importances.entries
        let rowHeight = 24.0
        var canvas = SVGCanvas(width: 720, height: 40 + rowHeight * Double(entries.count), margins: (150, 10, 60, 30))
        let x = Scale(low: 0, high: max(entries.first?.importance ?? 1, 1e-9), log: false, start: canvas.plot.left, end: canvas.plot.right)
        for (index, entry) in entries.enumerated() {
            let top = canvas.plot.top + Double(index) * rowHeight
            canvas.text(ParameterAxis.shorten(entry.name, to: 22), canvas.plot.left - 8, top + 16, anchor: "end", size: 11)
            canvas.rect(canvas.plot.left, top + 4, x.pixel(entry.importance) - canvas.plot.left, rowHeight - 8, fill: Palette.series(0),
                        title: "\(entry.name): \(String(format: "%.3f", entry.importance)) (\(entry.trials) trials)")
            canvas.text(String(format: "%.3f", entry.importance), x.pixel(entry.importance) + 6, top + 16, size: 10)
        }
        canvas.line(canvas.plot.left, canvas.plot.top, canvas.plot.left, canvas.plot.bottom, stroke: "#888")
        let method = importances.method == .pedANOVA ? "PED-ANOVA" : "fANOVA"
        return Plot(id: "importance", title: "Parameter importance", svg: canvas.svg(label: "parameter importance"),
                    caption: "\(method) on \(importances.trialsUsed) complete trials; shares sum to 1.")
    }
}
