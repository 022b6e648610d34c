import Foundation
import MetaTune

/// Timeline: each trial as a bar from its start to its end (now, while running), one row per
/// worker process, coloured by state.
enum TimelinePlot {
    static func make(_ study: StudySnapshot, now: Date = Date()) -> Plot? {
        let timed = study.trials.filter { $0.startedAt != nil }
        guard let origin = timed.compactMap(\.startedAt).min() else { return nil }
        func worker(_ trial: FrozenTrial) -> String { trial.owner.map { "\($0.host):\($0.pid)" } ?? "unknown worker" }
        let workers = Array(Set(timed.map(worker))).sorted()
        let shownWorkers = Array(workers.prefix(40))
        let rowHeight = max(6, min(22, 300 / Double(max(shownWorkers.count, 1))))
        var canvas = SVGCanvas(width: 900, height: 70 + rowHeight * Double(shownWorkers.count), margins: (150, 26, 16, 44))
        let ends = timed.map { ($0.completedAt ?? ($0.state.isFinished ? $0.startedAt : nil) ?? now).timeIntervalSince(origin) }
        let x = Scale(low: 0, high: max(ends.max() ?? 1, 1e-3), log: false, start: canvas.plot.left, end: canvas.plot.right)
        for tick in x.ticks() {
            let px = x.pixel(tick.value)
            canvas.line(px, canvas.plot.top, px, canvas.plot.bottom, stroke: "#eeeeee")
            canvas.text(tick.label, px, canvas.plot.bottom + 14, anchor: "middle", size: 10)
        }
        canvas.text("seconds since the first trial started", (canvas.plot.left + canvas.plot.right) / 2, canvas.height - 8, anchor: "middle")
        let rowOf = Dictionary(uniqueKeysWithValues: shownWorkers.enumerated().map { ($1, $0) })
        for (row, name) in shownWorkers.enumerated() {
            canvas.text(ParameterAxis.shorten(name, to: 24), canvas.plot.left - 6, canvas.plot.top + (Double(row) + 0.7) * rowHeight, anchor: "end", size: 10)
        }
        var thinning = PixelThinning(cell: 1)
        for (trial, end) in zip(timed, ends) {
            guard let row = rowOf[worker(trial)], let start = trial.startedAt?.timeIntervalSince(origin) else { continue }
            let left = x.pixel(start), right = max(x.pixel(end), left + 1)
            guard thinning.keep(left, Double(row), key: TrialState.allCases.firstIndex(of: trial.state) ?? 0) || right - left > 2 else { continue }
            canvas.rect(left, canvas.plot.top + Double(row) * rowHeight + 1, right - left, rowHeight - 2, fill: Palette.color(of: trial.state), opacity: 0.85,
                        title: "trial \(trial.number) (\(trial.state.rawValue)): \(formatTick(start))–\(formatTick(end)) s")
        }
        let states = TrialState.allCases.filter { state in timed.contains { $0.state == state } }
        canvas.legend(states.map { ($0.rawValue, Palette.color(of: $0)) })
        let caption = "\(timed.count) trials on \(workers.count) worker\(workers.count == 1 ? "" : "s")"
            + (workers.count > shownWorkers.count ? " (the first \(shownWorkers.count) shown)" : "") + "."
        return Plot(id: "timeline", title: "Timeline", svg: canvas.svg(label: "timeline"), caption: caption)
    }
}
