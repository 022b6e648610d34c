import Foundation
import MetaTune

/// A live progress line on standard error: `label i/N  best …  elapsed …  ETA …`. On a terminal
/// it redraws in place; otherwise it prints a line at most every few seconds.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let total: Int
    private let label: String
    private let start = Date()
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastPrinted = Date.distantPast
    private let lock = NSLock()

    /// Whether the line shows "done/total" or only "done" (when the total is a mere cap).
    private let showsTotal: Bool

    init(enabled: Bool, total: Int, label: String, showsTotal: Bool = true) {
        self.enabled = enabled
        self.total = total
        self.label = label
        self.showsTotal = showsTotal
    }

    /// Shows `done` of the total, the best value and an optional `detail` (e.g. the current task).
    /// The ETA assumes the run is `fraction` done (default: `done` of the total).
    func update(done: Int, best: Double?, detail: String? = nil, fraction: Double? = nil) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard isTerminal || now.timeIntervalSince(lastPrinted) >= 5 || done == total else { return }
        lastPrinted = now
        let elapsed = now.timeIntervalSince(start)
        let share = fraction ?? (total > 0 ? Double(done) / Double(total) : 1)
        let eta = share > 0 ? elapsed / share * (1 - share) : 0
        var text = showsTotal ? "\(label) \(done)/\(total)" : "\(label) \(done)"
        if let detail { text += "  \(detail)" }
        if let best { text += "  best \(String(format: "%.6g", best))" }
        text += "  elapsed \(formatDuration(elapsed))  ETA \(formatDuration(eta))"
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[2K" + text : text + "\n").utf8))
    }

    func finish() {
        guard enabled, isTerminal else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }

    private func formatDuration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// Keeps the best value seen so far.
final class BestTracker {
    private let direction: StudyDirection
    private(set) var best: Double?

    init(direction: StudyDirection) {
        self.direction = direction
    }

    func offer(_ value: Double) -> Double? {
        if value.isFinite, best == nil || direction.isBetter(value, than: best!) { best = value }
        return best
    }
}
