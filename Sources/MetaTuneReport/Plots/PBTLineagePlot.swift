import Foundation
import MetaTune

/// Population-based training: one lane per member; an arrow from the member it copied (exploit)
/// at the resource where it did, whose hover gives the perturbed parameters (explore).
enum PBTLineagePlot {
    private struct Event {
        let member: Int
        let donor: Int
        let resource: Double
        let params: String
    }

    static func make(_ study: StudySnapshot) -> Plot? {
        guard let scheduler = study.scheduler, scheduler["kind"]?.stringValue == "pbt" else { return nil }
        let members = study.trials
        guard !members.isEmpty else { return nil }
        var events: [Event] = []
        for trial in members {
            guard case .array(let history)? = trial.userAttributes[PopulationBasedTraining.historyKey] else { continue }
            for case .object(let event) in history {
                guard case .number(let resource)? = event["resource"], case .number(let donor)? = event["from_trial"] else { continue }
                var params = ""
                if case .object(let values)? = event["params"] {
                    params = values.keys.sorted().map { "\($0) = \(values[$0].map(describe) ?? "")" }.joined(separator: ", ")
                }
                events.append(Event(member: trial.number, donor: Int(donor), resource: resource, params: params))
            }
        }
        let unit = scheduler["unit"]?.stringValue ?? "resource"
        let maxResource = scheduler["max_resource"]?.doubleValue ?? max(events.map(\.resource).max() ?? 1, 1)
        let lanes = Array(members.prefix(64))
        let laneOf = Dictionary(uniqueKeysWithValues: lanes.enumerated().map { ($1.number, $0) })
        let laneHeight = max(8, min(26, 420 / Double(lanes.count)))
        var canvas = SVGCanvas(width: 900, height: 70 + laneHeight * Double(lanes.count), margins: (90, 16, 110, 44))
        let x = Scale(low: 0, high: maxResource, log: false, start: canvas.plot.left, end: canvas.plot.right)
        func laneY(_ lane: Int) -> Double { canvas.plot.top + (Double(lane) + 0.5) * laneHeight }
        for tick in x.ticks() {
            canvas.line(x.pixel(tick.value), canvas.plot.top, x.pixel(tick.value), canvas.plot.bottom, stroke: "#eeeeee")
            canvas.text(tick.label, x.pixel(tick.value), canvas.plot.bottom + 14, anchor: "middle", size: 10)
        }
        canvas.text(unit, (canvas.plot.left + canvas.plot.right) / 2, canvas.height - 8, anchor: "middle")
        let ranked = study.complete.sorted { study.isBetter($0.value ?? 0, than: $1.value ?? 0) }.map(\.number)
        for (lane, member) in lanes.enumerated() {
            let rank = ranked.firstIndex(of: member.number)
            let color = rank.map { Palette.ramp(Double($0) / Double(max(ranked.count - 1, 1)) * 0.85) } ?? Palette.muted
            canvas.line(x.pixel(0), laneY(lane), x.pixel(maxResource), laneY(lane), stroke: color, width: 3)
            canvas.text("trial \(member.number)", canvas.plot.left - 6, laneY(lane) + 4, anchor: "end", size: 10)
            canvas.text(formatValue(member.value), canvas.plot.right + 6, laneY(lane) + 4, size: 10)
        }
        for event in events {
            guard let to = laneOf[event.member], let from = laneOf[event.donor] else { continue }
            let px = x.pixel(event.resource)
            canvas.line(px - 6, laneY(from), px, laneY(to), stroke: "#444", width: 1.2)
            canvas.circle(px, laneY(to), radius: 3.2, fill: "#444",
                          title: "at \(formatTick(event.resource)) \(unit) trial \(event.member) copied trial \(event.donor) and explored \(event.params)")
        }
        return Plot(id: "pbt-lineage", title: "PBT lineage", svg: canvas.svg(label: "population based training lineage"),
                    caption: "\(lanes.count) members (colour: final rank, dark is best); each dot is an exploit — the member copied the one the line comes from — with the explored parameters on hover. \(events.count) exploits.")
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .number(let number): formatValue(number)
        case .string(let text): text
        case .bool(let flag): String(flag)
        default: "…"
        }
    }
}
