import Foundation
import MetaTune

/// Rank: for pairs of the most important parameters, the complete trials placed by the two
/// values and coloured by their rank (dark: best), which shows where the good region lies.
enum RankPlot {
    static func make(_ study: StudySnapshot, order: [String]? = nil) -> Plot? {
        let chosen = study.axes(orderedBy: order, limit: 3)
        let complete = study.complete.sorted { study.isBetter($0.value ?? 0, than: $1.value ?? 0) }
        guard chosen.count >= 2, complete.count >= 2 else { return nil }
        let pairs = chosen.count == 2 ? [(0, 1)] : [(0, 1), (0, 2), (1, 2)]
        let size = 260.0
        var canvas = SVGCanvas(width: size * Double(pairs.count), height: size + 20, margins: (0, 0, 0, 0))
        let rankOf = Dictionary(uniqueKeysWithValues: complete.enumerated().map { ($1.number, $0) })
        for (index, pair) in pairs.enumerated() {
            let (a, b) = (chosen[pair.0], chosen[pair.1])
            let left = Double(index) * size
            let panel = (left: left + 48, top: 10.0, right: left + size - 10, bottom: size - 30)
            let x = a.scale(start: panel.left, end: panel.right), y = b.scale(start: panel.bottom, end: panel.top)
            canvas.rect(panel.left, panel.top, panel.right - panel.left, panel.bottom - panel.top, fill: "#fafafa")
            for tick in a.ticks(x) { canvas.text(tick.label, x.pixel(tick.value), panel.bottom + 12, anchor: "middle", size: 9) }
            for tick in b.ticks(y) { canvas.text(tick.label, panel.left - 4, y.pixel(tick.value) + 3, anchor: "end", size: 9) }
            canvas.text(ParameterAxis.shorten(a.name, to: 20) + " → / " + ParameterAxis.shorten(b.name, to: 20) + " ↑", (panel.left + panel.right) / 2, panel.bottom + 26, anchor: "middle", size: 10)
            var thinning = PixelThinning()
            var titled = 0
            var markers = MarkerBatch(radius: 2.4)
            for trial in complete {
                guard let u = a.coordinate(trial), let v = b.coordinate(trial), let rank = rankOf[trial.number] else { continue }
                let (px, py) = (x.pixel(u), y.pixel(v))
                guard thinning.keep(px, py) else { continue }
                titled += 1
                // 32 shades are as many as the eye tells apart, and keep one path per shade.
                let shade = (Double(rank) / Double(max(complete.count - 1, 1)) * 31).rounded() / 31
                markers.add(px, py, fill: Palette.ramp(shade),
                            title: titled > SlicePlot.hoverLimit ? nil : "trial \(trial.number): rank \(rank + 1) of \(complete.count), value \(formatValue(trial.value))")
            }
            markers.draw(on: &canvas)
        }
        return Plot(id: "rank", title: "Rank", svg: canvas.svg(label: "rank plot"),
                    caption: "Pairs of the most important parameters; colour is a trial's rank (dark: best, light: worst).")
    }
}
