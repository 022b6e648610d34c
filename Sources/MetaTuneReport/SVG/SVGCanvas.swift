import Foundation

/// Escapes text for HTML and SVG content and attribute values: study and parameter names come
/// from users, so every piece of text goes through here.
public func escapeMarkup(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}

/// Builds one SVG image: a plot area inside margins, with shapes added in drawing order.
/// Coordinates are pixels from the top left; hover text is an SVG `<title>`.
struct SVGCanvas {
    let width: Double
    let height: Double
    /// The plot area: left, top, right and bottom edges in pixels.
    let plot: (left: Double, top: Double, right: Double, bottom: Double)
    private var parts: [String] = []

    init(width: Double = 720, height: Double = 360, margins: (left: Double, top: Double, right: Double, bottom: Double) = (64, 16, 16, 44)) {
        self.width = width
        self.height = height
        plot = (margins.left, margins.top, width - margins.right, height - margins.bottom)
    }

    /// Appends raw SVG markup (already escaped).
    mutating func raw(_ markup: String) { parts.append(markup) }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dash: String? = nil, className: String? = nil) {
        parts.append("<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\""
                     + (dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + classAttribute(className) + "/>")
    }

    /// A polyline through `points`; `title` is its hover text.
    mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, opacity: Double = 1, title: String? = nil, className: String? = nil) {
        guard points.count >= 2 else { return }
        let coordinates = points.map { f($0.0) + "," + f($0.1) }.joined(separator: " ")
        let open = "<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(f(width))\""
            + (opacity < 1 ? " stroke-opacity=\"\(f(opacity))\"" : "") + classAttribute(className)
        parts.append(title.map { open + "><title>\(escapeMarkup($0))</title></polyline>" } ?? open + "/>")
    }

    mutating func circle(_ x: Double, _ y: Double, radius: Double = 3, fill: String, opacity: Double = 1, title: String? = nil, className: String? = nil) {
        let open = "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(radius))\" fill=\"\(fill)\"" + (opacity < 1 ? " fill-opacity=\"\(f(opacity))\"" : "") + classAttribute(className)
        parts.append(title.map { open + "><title>\(escapeMarkup($0))</title></circle>" } ?? open + "/>")
    }

    mutating func rect(_ x: Double, _ y: Double, _ width: Double, _ height: Double, fill: String, opacity: Double = 1, title: String? = nil, className: String? = nil) {
        let open = "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(max(width, 0)))\" height=\"\(f(max(height, 0)))\" fill=\"\(fill)\""
            + (opacity < 1 ? " fill-opacity=\"\(f(opacity))\"" : "") + classAttribute(className)
        parts.append(title.map { open + "><title>\(escapeMarkup($0))</title></rect>" } ?? open + "/>")
    }

    /// Text at (x, y); `anchor` is start, middle or end; `rotate` turns it about its anchor.
    mutating func text(_ content: String, _ x: Double, _ y: Double, anchor: String = "start", size: Double = 11, fill: String = "#333",
                       rotate: Double? = nil, weight: String? = nil) {
        parts.append("<text x=\"\(f(x))\" y=\"\(f(y))\" text-anchor=\"\(anchor)\" font-size=\"\(f(size))\" fill=\"\(fill)\""
                     + (weight.map { " font-weight=\"\($0)\"" } ?? "")
                     + (rotate.map { " transform=\"rotate(\(f($0)) \(f(x)) \(f(y)))\"" } ?? "") + ">\(escapeMarkup(content))</text>")
    }

    /// Opens a group (closed by `endGroup`), e.g. a class that the page's controls show or hide.
    mutating func beginGroup(className: String) { parts.append("<g class=\"\(escapeMarkup(className))\">") }
    mutating func endGroup() { parts.append("</g>") }

    /// The image, with `label` as its accessible name.
    func svg(label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"\(f(width))\" height=\"\(f(height))\" role=\"img\" aria-label=\"\(escapeMarkup(label))\" font-family=\"system-ui, sans-serif\">"
            + parts.joined() + "</svg>"
    }

    private func classAttribute(_ name: String?) -> String { name.map { " class=\"\(escapeMarkup($0))\"" } ?? "" }
}

/// A pixel coordinate with at most one decimal: enough for the eye, and small files.
func f(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
}
