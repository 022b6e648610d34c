import MetaTune

/// The colours plots share, chosen to be told apart (Okabe–Ito, safe for colour-blind readers).
enum Palette {
    static let series = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
    static let best = "#D55E00"
    static let muted = "#9a9a9a"

    /// A trial state's colour.
    static func color(of state: TrialState) -> String {
        switch state {
        case .complete: "#0072B2"
        case .pruned: "#E69F00"
        case .failed: "#D55E00"
        case .running: "#009E73"
        case .waiting: "#9a9a9a"
        }
    }

    /// The i-th series colour.
    static func series(_ index: Int) -> String { series[((index % series.count) + series.count) % series.count] }

    /// A colour from blue (t = 0, best) to yellow (t = 1, worst).
    static func ramp(_ t: Double) -> String {
        let t = min(max(t.isFinite ? t : 0.5, 0), 1)
        let stops: [(Double, Double, Double)] = [(13, 8, 135), (126, 3, 168), (204, 71, 120), (248, 149, 64), (240, 249, 33)]
        let position = t * Double(stops.count - 1)
        let index = min(Int(position), stops.count - 2)
        let w = position - Double(index)
        let (a, b) = (stops[index], stops[index + 1])
        func channel(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * w).rounded()) }
        return String(format: "#%02x%02x%02x", channel(a.0, b.0), channel(a.1, b.1), channel(a.2, b.2))
    }
}
