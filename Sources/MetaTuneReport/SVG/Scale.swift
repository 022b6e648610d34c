import Foundation

/// Maps data values to pixels along one axis, linearly or on a log scale, with readable ticks.
struct Scale {
    let low: Double
    let high: Double
    let log: Bool
    /// The pixel positions of `low` and `high`.
    let start: Double
    let end: Double

    /// A scale over `values` (a small margin added) from pixel `start` to `end`. A log scale needs
    /// positive values; it falls back to linear otherwise.
    init(values: [Double], start: Double, end: Double, log: Bool = false, pad: Double = 0.04) {
        let finite = values.filter { $0.isFinite && (!log || $0 > 0) }
        let useLog = log && !finite.isEmpty && finite.count == values.filter(\.isFinite).count
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if useLog { low = Foundation.log10(low); high = Foundation.log10(high) }
        if high - low < 1e-12 * max(1, abs(high)) { low -= 0.5; high += 0.5 }
        let margin = (high - low) * pad
        self.init(low: low - margin, high: high + margin, log: useLog, start: start, end: end)
    }

    /// A scale with explicit bounds (for a log scale, the bounds are log10 values).
    init(low: Double, high: Double, log: Bool, start: Double, end: Double) {
        self.low = low
        self.high = high > low ? high : low + 1
        self.log = log
        self.start = start
        self.end = end
    }

    /// The pixel of a data value.
    func pixel(_ value: Double) -> Double {
        let v = log ? Foundation.log10(max(value, .leastNormalMagnitude)) : value
        return start + (v - low) / (high - low) * (end - start)
    }

    /// Tick positions (data values) and their labels: about `count` round numbers, or powers of ten.
    func ticks(count: Int = 6) -> [(value: Double, label: String)] {
        if log {
            let first = Int(low.rounded(.up)), last = Int(high.rounded(.down))
            guard last >= first else { return [(pow(10, (low + high) / 2), formatTick(pow(10, (low + high) / 2)))] }
            let stride = max(1, (last - first + 1 + count - 1) / count)
            return Swift.stride(from: first, through: last, by: stride).map { (pow(10, Double($0)), formatTick(pow(10, Double($0)))) }
        }
        let step = Self.niceStep((high - low) / Double(max(count, 1)))
        var value = (low / step).rounded(.up) * step
        var ticks: [(Double, String)] = []
        while value <= high + step * 1e-9, ticks.count < 50 {
            ticks.append((value, formatTick(abs(value) < step * 1e-9 ? 0 : value)))
            value += step
        }
        return ticks
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, (Foundation.log10(raw)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * power >= raw { return factor * power }
        return 10 * power
    }
}

/// A number for a tick or hover text: short, without trailing zeros.
func formatTick(_ value: Double) -> String {
    guard value.isFinite else { return "–" }
    let magnitude = abs(value)
    if magnitude == 0 { return "0" }
    if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%.2g", value) }
    var text = String(format: magnitude >= 100 ? "%.0f" : magnitude >= 1 ? "%.2f" : "%.4f", value)
    if text.contains(".") {
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return text
}

/// A number for hover text and tables: up to 6 significant digits.
func formatValue(_ value: Double?) -> String {
    guard let value else { return "–" }
    guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "∞" : "−∞") }
    return String(format: "%.6g", value)
}
