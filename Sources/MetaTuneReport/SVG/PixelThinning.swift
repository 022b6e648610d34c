import Foundation

/// Keeps one of the markers that would land on the same pixel cell (`cell` pixels wide), so a
/// plot of 10,000 trials draws what a person sees without drawing every overlapping marker.
/// The first marker of each cell is kept (callers pass the most telling first).
struct PixelThinning {
    let cell: Double
    private var seen = Set<Int64>()

    init(cell: Double = 2) { self.cell = max(cell, 0.5) }

    /// Whether the marker at (x, y), with `key` telling markers of different colours apart, is the
    /// first in its cell.
    mutating func keep(_ x: Double, _ y: Double, key: Int = 0) -> Bool {
        let cx = Int64((x / cell).rounded(.down)), cy = Int64((y / cell).rounded(.down))
        return seen.insert((cx & 0xFFFFF) << 28 | (cy & 0xFFFFF) << 8 | Int64(key & 0xFF)).inserted
    }
}
