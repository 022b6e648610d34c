import Foundation
import MetaTune

/// One drawn plot: what the report and the dashboard place on a page.
public struct Plot: Sendable, Hashable {
    /// A stable identifier (`history`, `intermediate`, …): the dashboard's `/plots/{id}.svg`.
    public let id: String
    /// The heading above it.
    public let title: String
    /// The SVG markup (self-contained, no external reference).
    public let svg: String
    /// A line under it: what it shows, and what was left out to keep it readable.
    public let caption: String
}

/// How a parameter is laid along an axis: its internal value on a linear or log scale, or its
/// choices as evenly spaced categories.
struct ParameterAxis {
    let name: String
    let distribution: Distribution

    var isLog: Bool {
        switch distribution {
        case .float(let d): d.log
        case .int(let d): d.log
        case .categorical: false
        }
    }

    var choices: [ParamValue]? {
        if case .categorical(let d) = distribution { return d.choices }
        return nil
    }

    /// The axis position of a trial's value (internal value; the choice index of a categorical).
    func coordinate(_ trial: FrozenTrial) -> Double? {
        guard trial.distributions[name] == distribution else { return nil }
        return trial.internalValue(of: name)
    }

    /// A scale from pixel `start` to `end` over the distribution's range.
    func scale(start: Double, end: Double) -> Scale {
        switch distribution {
        case .float(let d):
            return d.log ? Scale(low: log10(d.low), high: log10(d.high), log: true, start: start, end: end)
                : Scale(low: d.low, high: d.high > d.low ? d.high : d.low + 1, log: false, start: start, end: end)
        case .int(let d):
            return d.log ? Scale(low: log10(Double(d.low)), high: log10(Double(max(d.high, d.low + 1))), log: true, start: start, end: end)
                : Scale(low: Double(d.low) - 0.5, high: Double(d.high) + 0.5, log: false, start: start, end: end)
        case .categorical(let d):
            return Scale(low: -0.5, high: Double(d.choices.count) - 0.5, log: false, start: start, end: end)
        }
    }

    /// Ticks: the choices of a categorical (at most 12 labelled), else the scale's.
    func ticks(_ scale: Scale) -> [(value: Double, label: String)] {
        guard let choices else { return scale.ticks(count: 5) }
        let stride = max(1, (choices.count + 11) / 12)
        return Swift.stride(from: 0, to: choices.count, by: stride).map { (Double($0), Self.shorten(choices[$0].description)) }
    }

    static func shorten(_ text: String, to length: Int = 14) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }
}

extension StudySnapshot {
    /// At most `limit` parameters as axes: those named in `order` first (most important first),
    /// then the rest by name.
    func axes(orderedBy order: [String]?, limit: Int) -> [ParameterAxis] {
        let parameters = parameters
        let ranked = (order ?? []).compactMap { name in parameters.first { $0.name == name } }
        let rest = parameters.filter { parameter in !ranked.contains { $0.name == parameter.name } }
        return (ranked + rest).prefix(limit).map { ParameterAxis(name: $0.name, distribution: $0.distribution) }
    }
}
