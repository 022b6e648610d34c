import Foundation

/// Round markers of one size. Those without hover text are gathered per colour and drawn as one
/// `<path>` each (a zero-length segment with a round cap is a dot), so ten thousand trials cost a
/// few elements instead of ten thousand and pages stay light for the browser. Those with hover
/// text stay `<circle>`s with a `<title>`, drawn on top.
struct MarkerBatch {
    let radius: Double
    let opacity: Double
    private var dots: [String: [(Double, Double)]] = [:]
    private var colours: [String] = []
    private var titled: [(x: Double, y: Double, fill: String, title: String)] = []

    init(radius: Double, opacity: Double = 1) {
        self.radius = radius
        self.opacity = opacity
    }

    /// Adds a marker at (x, y) in `fill`, with `title` as its hover text when given.
    mutating func add(_ x: Double, _ y: Double, fill: String, title: String? = nil) {
        if let title {
            titled.append((x, y, fill, title))
            return
        }
        if dots[fill] == nil { colours.append(fill) }
        dots[fill, default: []].append((x, y))
    }

    /// Draws the markers: the dots, one path per colour in the order the colours were first
    /// used, then the markers with hover text.
    func draw(on canvas: inout SVGCanvas) {
        for colour in colours {
            guard let points = dots[colour], !points.isEmpty else { continue }
            var d = ""
            d.reserveCapacity(points.count * 14)
            for (x, y) in points { d += "M" + f(x) + " " + f(y) + "h0" }
            canvas.raw("<path d=\"\(d)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"\(f(2 * radius))\" stroke-linecap=\"round\""
                       + (opacity < 1 ? " stroke-opacity=\"\(f(opacity))\"" : "") + "/>")
        }
        for marker in titled {
            canvas.circle(marker.x, marker.y, radius: radius, fill: marker.fill, opacity: opacity, title: marker.title)
        }
    }
}
