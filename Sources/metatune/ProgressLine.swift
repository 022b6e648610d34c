import Foundation
import MetaTune

/// A live progress line on standard error: `label i/N  best …  elapsed …  ETA …`. On a terminal
/// it redraws in place, at least once a second (so the elapsed time moves while a long trial
/// runs); otherwise it prints a line at most every few seconds. The ETA shows "—" until a first
/// share of the work is done.
final class ProgressLine: @unchecked Sendable {
    private let enabled: Bool
    private let total: Int
    private let label: String
    private let start = Date()
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastPrinted = Date.distantPast
    private let lock = NSLock()
    /// The last state shown, redrawn by the ticker.
    private var state: (done: Int, best: Double?, detail: String?, fraction: Double?)?
    private var ticking = false

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
        state = (done, best, detail, fraction)
        startTickerIfNeeded()
        let now = Date()
        guard isTerminal || now.timeIntervalSince(lastPrinted) >= 5 || done == total else { return }
        draw(now: now)
    }

    func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        ticking = false
        if isTerminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// Draws the last state (call with the lock held).
    private func draw(now: Date) {
        guard let state else { return }
        lastPrinted = now
        let elapsed = now.timeIntervalSince(start)
        let share = state.fraction ?? (total > 0 ? Double(state.done) / Double(total) : 1)
        let eta = share > 0 ? formatDuration(elapsed / share * (1 - share)) : "—"
        var text = showsTotal ? "\(label) \(state.done)/\(total)" : "\(label) \(state.done)"
        if let detail = state.detail { text += "  \(detail)" }
        if let best = state.best { text += "  best \(String(format: "%.6g", best))" }
        text += "  elapsed \(formatDuration(elapsed))  ETA \(eta)"
        FileHandle.standardError.write(Data((isTerminal ? "\r\u{1B}[2K" + text : text + "\n").utf8))
    }

    /// On a terminal, redraws once a second until `finish` (call with the lock held).
    private func startTickerIfNeeded() {
        guard isTerminal, !ticking else { return }
        ticking = true
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 1)
                lock.lock()
                defer { lock.unlock() }
                guard ticking else { return }
                draw(now: Date())
            }
        }
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
