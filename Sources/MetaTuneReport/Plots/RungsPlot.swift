import Foundation
import MetaTune

/// Successive halving, Hyperband, ASHA or BOHB: how many trials reached each resource level
/// (a trial's furthest reported step) and the resource spent up to it.
enum RungsPlot {
    static func make(_ study: StudySnapshot) -> Plot? {
        guard let scheduler = study.scheduler, case .string(let kind)? = scheduler["kind"], kind != "pbt" else { return nil }
        let reached = study.trials.compactMap { $0.intermediateValues.keys.max() }
        let levels = Array(Set(reached)).sorted()
        guard !levels.isEmpty else { return nil }
        let unit = scheduler["unit"]?.stringValue ?? "resource"
        let counts = levels.map { level in reached.filter { $0 >= level }.count }
        let rowHeight = 26.0
        var canvas = SVGCanvas(width: 720, height: 50 + rowHeight * Double(levels.count), margins: (120, 10, 150, 36))
        let x = Scale(low: 0, high: Double(counts.max() ?? 1), log: false, start: canvas.plot.left, end: canvas.plot.right)
        for (index, level) in levels.enumerated() {
            let top = canvas.plot.top + Double(index) * rowHeight
            let spent = reached.reduce(0) { $0 + min($1, level) }
            canvas.text("\(level) \(unit)", canvas.plot.left - 8, top + 17, anchor: "end", size: 11)
            canvas.rect(canvas.plot.left, top + 4, x.pixel(Double(counts[index])) - canvas.plot.left, rowHeight - 8, fill: Palette.series(1),
                        title: "\(counts[index]) trials reached \(level) \(unit); \(spent) \(unit) spent up to this level")
            canvas.text("\(counts[index]) trials · \(spent) \(unit)", x.pixel(Double(counts[index])) + 6, top + 17, size: 10)
        }
        canvas.text("trials reaching the level", (canvas.plot.left + canvas.plot.right) / 2, canvas.height - 8, anchor: "middle")
        let summary = scheduler["summary"]?.stringValue.map { ": " + $0 } ?? ""
        return Plot(id: "rungs", title: "Rungs (\(kind))", svg: canvas.svg(label: "rungs"),
                    caption: "Trials by the furthest \(unit) they reached\(summary).")
    }
}
