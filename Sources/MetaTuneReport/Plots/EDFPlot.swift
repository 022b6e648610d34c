import Foundation
import MetaTune

/// Empirical distribution of the values of one or more studies: for each value, the share of
/// each study's complete trials at least that good.
enum EDFPlot {
    static func make(_ studies: [StudySnapshot]) -> Plot? {
        let withValues = studies.filter { !$0.complete.isEmpty }
        guard let first = withValues.first else { return nil }
        var canvas = SVGCanvas()
        let all = withValues.flatMap { $0.complete.compactMap(\.value) }
        let x = Scale(values: all, start: canvas.plot.left, end: canvas.plot.right)
        let y = Scale(low: 0, high: 1, log: false, start: canvas.plot.bottom, end: canvas.plot.top)
        canvas.axes(x: x, y: y, xTitle: "value", yTitle: "share of trials")
        var legend: [(String, String)] = []
        for (index, study) in withValues.enumerated() {
            var values = study.complete.compactMap(\.value).sorted()
            if study.direction == .maximize { values.reverse() }
            let color = index == 0 ? Palette.series(0) : Palette.series(index + 3)
            var path: [(Double, Double)] = [(x.pixel(values[0]), y.pixel(0))]
            var lastPixel = -Double.infinity
            for (rank, value) in values.enumerated() {
                let px = x.pixel(value), py = y.pixel(Double(rank + 1) / Double(values.count))
                if px - lastPixel < 0.5, rank < values.count - 1, path.count > 1 { path[path.count - 1].1 = py; continue }
                path.append((px, path.last?.1 ?? py))
                path.append((px, py))
                lastPixel = px
            }
            canvas.polyline(path, stroke: color, width: 2, title: "\(study.record.name): \(values.count) trials")
            legend.append((study.record.name, color))
        }
        canvas.legend(legend)
        let direction = first.direction == .minimize ? "at or below" : "at or above"
        return Plot(id: "edf", title: "Empirical distribution of values", svg: canvas.svg(label: "empirical distribution function"),
                    caption: "For each value, the share of each study's complete trials \(direction) it.")
    }
}
