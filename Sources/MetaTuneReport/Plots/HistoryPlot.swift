import Foundation
import MetaTune

/// Optimization history: every complete trial's value by trial number, coloured by where its
/// configuration came from, and the best value so far; other studies add their best-so-far lines.
enum HistoryPlot {
    static func make(_ study: StudySnapshot, compare others: [StudySnapshot] = [], logScale: Bool = false) -> Plot? {
        let complete = study.complete
        guard !complete.isEmpty else { return nil }
        var canvas = SVGCanvas()
        let values = (complete + others.flatMap(\.complete)).compactMap(\.value)
        let numbers = (complete + others.flatMap(\.complete)).map { Double($0.number) }
        let x = Scale(values: numbers, start: canvas.plot.left, end: canvas.plot.right)
        let y = Scale(values: values, start: canvas.plot.bottom, end: canvas.plot.top, log: logScale)
        canvas.axes(x: x, y: y, xTitle: "trial", yTitle: "value" + (y.log ? " (log)" : ""))
        let origins = Array(Set(complete.map(TrialOrigin.init))).sorted()
        // Sorted, so the sampler's own trials (when there are any) take the first colour.
        let colors = Dictionary(uniqueKeysWithValues: origins.enumerated().map { ($1, Palette.series($0)) })
        // Best trials first, so that thinning never drops a marker a person looks for.
        var thinning = PixelThinning()
        let ordered = complete.sorted { a, b in study.isBetter(a.value ?? 0, than: b.value ?? 0) }
        var drawn = 0
        var markers = MarkerBatch(radius: 2.6, opacity: 0.75)
        for trial in ordered {
            guard let value = trial.value else { continue }
            let origin = TrialOrigin(trial)
            let (px, py) = (x.pixel(Double(trial.number)), y.pixel(value))
            guard thinning.keep(px, py, key: origins.firstIndex(of: origin) ?? 0) else { continue }
            drawn += 1
            markers.add(px, py, fill: colors[origin] ?? Palette.muted,
                        title: drawn > 1_000 ? nil : "trial \(trial.number): \(formatValue(value)) — \(TrialOrigin.detail(trial))")
        }
        markers.draw(on: &canvas)
        var legend = origins.map { ($0.label, colors[$0] ?? Palette.muted) }
        canvas.polyline(steps(study.bestSoFar, x: x, y: y), stroke: Palette.best, width: 2, title: "best so far: \(study.record.name)")
        legend.append(("best: \(study.record.name)", Palette.best))
        for (index, other) in others.enumerated() {
            let color = Palette.series(index + 4)
            canvas.polyline(steps(other.bestSoFar, x: x, y: y), stroke: color, width: 2, title: "best so far: \(other.record.name)")
            legend.append(("best: \(other.record.name)", color))
        }
        canvas.legend(legend)
        let thinned = drawn < complete.count ? "; \(complete.count - drawn) markers hidden under others at this size" : ""
        return Plot(id: "history", title: "Optimization history", svg: canvas.svg(label: "optimization history"),
                    caption: "\(complete.count) complete trials coloured by origin, and the best value so far\(thinned).")
    }

    /// A best-so-far staircase in pixels.
    static func steps(_ points: [(number: Int, value: Double)], x: Scale, y: Scale) -> [(Double, Double)] {
        var path: [(Double, Double)] = []
        for point in points {
            let px = x.pixel(Double(point.number)), py = y.pixel(point.value)
            if let last = path.last {
                if last.1 == py { continue }
                path.append((px, last.1))
            }
            path.append((px, py))
        }
        if let last = path.last { path.append((x.end, last.1)) }
        return path
    }
}
