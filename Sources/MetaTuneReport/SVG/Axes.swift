import Foundation

extension SVGCanvas {
    /// Draws the x and y axes of the plot area with ticks, light grid lines and axis titles.
    mutating func axes(x: Scale, y: Scale, xTitle: String, yTitle: String, xTicks: [(value: Double, label: String)]? = nil,
                       yTicks: [(value: Double, label: String)]? = nil) {
        rect(plot.left, plot.top, plot.right - plot.left, plot.bottom - plot.top, fill: "#fafafa")
        for tick in yTicks ?? y.ticks() {
            let py = y.pixel(tick.value)
            guard py >= plot.top - 0.5, py <= plot.bottom + 0.5 else { continue }
            line(plot.left, py, plot.right, py, stroke: "#e4e4e4")
            text(tick.label, plot.left - 6, py + 4, anchor: "end", size: 10)
        }
        for tick in xTicks ?? x.ticks() {
            let px = x.pixel(tick.value)
            guard px >= plot.left - 0.5, px <= plot.right + 0.5 else { continue }
            line(px, plot.top, px, plot.bottom, stroke: "#eeeeee")
            text(tick.label, px, plot.bottom + 14, anchor: "middle", size: 10)
        }
        line(plot.left, plot.bottom, plot.right, plot.bottom, stroke: "#888")
        line(plot.left, plot.top, plot.left, plot.bottom, stroke: "#888")
        text(xTitle, (plot.left + plot.right) / 2, height - 8, anchor: "middle", size: 11)
        text(yTitle, 14, (plot.top + plot.bottom) / 2, anchor: "middle", size: 11, rotate: -90)
    }

    /// A legend row at the top right of the plot area: coloured squares and labels.
    mutating func legend(_ entries: [(label: String, color: String)]) {
        var x = plot.right - 8
        for entry in entries.reversed() {
            let width = Double(entry.label.count) * 6.2 + 16
            x -= width
            rect(x, plot.top + 6, 9, 9, fill: entry.color)
            text(entry.label, x + 13, plot.top + 14, size: 10)
        }
    }
}
