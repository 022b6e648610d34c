import Foundation
import MetaTune

/// Contour of two parameters: the mean value of the complete trials in each cell of a grid over
/// the pair, as a heat map (darker is better), with the trials drawn on top.
enum ContourPlot {
    static func make(_ study: StudySnapshot, x xName: String, y yName: String, cells: Int = 24) -> Plot? {
        let parameters = Dictionary(study.parameters.map { ($0.name, $0.distribution) }) { $1 }
        guard xName != yName, let xDistribution = parameters[xName], let yDistribution = parameters[yName] else { return nil }
        let xAxis = ParameterAxis(name: xName, distribution: xDistribution), yAxis = ParameterAxis(name: yName, distribution: yDistribution)
        let points = study.complete.compactMap { trial -> (x: Double, y: Double, value: Double, number: Int)? in
            guard let x = xAxis.coordinate(trial), let y = yAxis.coordinate(trial), let value = trial.value else { return nil }
            return (x, y, value, trial.number)
        }
        guard points.count >= 2 else { return nil }
        var canvas = SVGCanvas(width: 560, height: 440, margins: (70, 16, 100, 44))
        let x = xAxis.scale(start: canvas.plot.left, end: canvas.plot.right)
        let y = yAxis.scale(start: canvas.plot.bottom, end: canvas.plot.top)
        canvas.axes(x: x, y: y, xTitle: xName + (xAxis.isLog ? " (log)" : ""), yTitle: yName + (yAxis.isLog ? " (log)" : ""),
                    xTicks: xAxis.ticks(x), yTicks: yAxis.ticks(y))
        let columns = xAxis.choices?.count ?? cells, rows = yAxis.choices?.count ?? cells
        var sums = [Double](repeating: 0, count: columns * rows), counts = [Int](repeating: 0, count: columns * rows)
        let width = canvas.plot.right - canvas.plot.left, height = canvas.plot.bottom - canvas.plot.top
        for point in points {
            let column = min(columns - 1, max(0, Int((x.pixel(point.x) - canvas.plot.left) / width * Double(columns))))
            let row = min(rows - 1, max(0, Int((canvas.plot.bottom - y.pixel(point.y)) / height * Double(rows))))
            sums[row * columns + column] += point.value
            counts[row * columns + column] += 1
        }
        let means = zip(sums, counts).compactMap { $1 > 0 ? $0 / Double($1) : nil }
        let low = means.min() ?? 0, high = means.max() ?? 1
        for row in 0..<rows {
            for column in 0..<columns where counts[row * columns + column] > 0 {
                let mean = sums[row * columns + column] / Double(counts[row * columns + column])
                var t = high > low ? (mean - low) / (high - low) : 0.5
                if study.direction == .maximize { t = 1 - t }
                canvas.rect(canvas.plot.left + Double(column) * width / Double(columns), canvas.plot.bottom - Double(row + 1) * height / Double(rows),
                            width / Double(columns) + 0.3, height / Double(rows) + 0.3, fill: Palette.ramp(t), opacity: 0.85,
                            title: "mean value \(formatValue(mean)) over \(counts[row * columns + column]) trials")
            }
        }
        var thinning = PixelThinning(cell: 3)
        var drawn = 0
        var markers = MarkerBatch(radius: 1.6, opacity: 0.7)
        for point in points {
            let (px, py) = (x.pixel(point.x), y.pixel(point.y))
            guard thinning.keep(px, py) else { continue }
            drawn += 1
            markers.add(px, py, fill: "#ffffff", title: drawn > SlicePlot.hoverLimit ? nil : "trial \(point.number): \(formatValue(point.value))")
        }
        markers.draw(on: &canvas)
        // Colour bar.
        for step in 0..<40 {
            let t = Double(step) / 39
            canvas.rect(canvas.plot.right + 24, canvas.plot.top + t * height, 14, height / 40 + 0.5, fill: Palette.ramp(t))
        }
        let (top, bottom) = study.direction == .minimize ? (low, high) : (high, low)
        canvas.text(formatTick(top) + " (best)", canvas.plot.right + 42, canvas.plot.top + 10, size: 9)
        canvas.text(formatTick(bottom), canvas.plot.right + 42, canvas.plot.bottom, size: 9)
        return Plot(id: "contour", title: "Contour: \(xName) × \(yName)", svg: canvas.svg(label: "contour of \(xName) and \(yName)"),
                    caption: "Mean value of the \(points.count) complete trials in each cell (darker is better); white dots are trials.")
    }
}
