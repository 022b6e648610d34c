import Foundation
import MetaTune

/// The past tasks a meta-learning study learned from that are nearest to it by meta-features.
enum SimilarTasksPlot {
    static func make(_ summary: MetaLearningSummary) -> Plot? {
        let tasks = summary.similarTasks
        guard !tasks.isEmpty else { return nil }
        let rowHeight = 22.0
        var canvas = SVGCanvas(width: 720, height: 40 + rowHeight * Double(tasks.count), margins: (220, 10, 60, 30))
        let x = Scale(low: 0, high: 1, log: false, start: canvas.plot.left, end: canvas.plot.right)
        for (index, task) in tasks.enumerated() {
            let top = canvas.plot.top + Double(index) * rowHeight
            canvas.text(ParameterAxis.shorten(task.name, to: 34), canvas.plot.left - 8, top + 15, anchor: "end", size: 11)
            canvas.rect(canvas.plot.left, top + 4, x.pixel(task.similarity) - canvas.plot.left, rowHeight - 8, fill: Palette.series(2),
                        title: "\(task.name): meta-feature distance \(formatValue(task.distance))")
            canvas.text(String(format: "%.2f", task.similarity), x.pixel(task.similarity) + 6, top + 15, size: 10)
        }
        return Plot(id: "similar-tasks", title: "Nearest past tasks", svg: canvas.svg(label: "nearest past tasks"),
                    caption: "Similarity 1 / (1 + distance) of standardised meta-features; \(summary.method) learned from \(summary.pastTasks) past tasks.")
    }
}
