import Foundation

/// The worker process that runs a trial: host name, process id and the process's start time
/// (so a recycled process id is not mistaken for the original owner).
public struct TrialOwner: Sendable, Codable, Hashable {
    public var host: String
    public var pid: Int32
    /// An opaque, host-local identity of the process's start (Linux: clock ticks since boot from
    /// /proc; elsewhere 0).
    public var processStart: Int64

    public init(host: String, pid: Int32, processStart: Int64) {
        self.host = host
        self.pid = pid
        self.processStart = processStart
    }

    /// This process, on the host named by `METATUNE_HOST` when set (hosts that share a host name —
    /// containers, network namespaces — tell their runners apart by it), else the host name.
    public static let current = TrialOwner(host: ProcessInfo.processInfo.environment["METATUNE_HOST"].flatMap { $0.isEmpty ? nil : $0 }
                                               ?? ProcessInfo.processInfo.hostName,
                                           pid: ProcessInfo.processInfo.processIdentifier,
                                           processStart: processStartTime(ProcessInfo.processInfo.processIdentifier) ?? 0)

    /// Whether this owner runs on the current host.
    public var isOnThisHost: Bool { host == TrialOwner.current.host }

    /// On this host: whether the owning process still exists (and is the same process).
    /// Meaningless for other hosts.
    public var isAliveOnThisHost: Bool {
        guard kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard processStart != 0, let start = processStartTime(pid) else { return true }
        return start == processStart
    }
}

/// The start time of process `pid` in clock ticks since boot (field 22 of /proc/PID/stat), or nil.
func processStartTime(_ pid: Int32) -> Int64? {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = text.lastIndex(of: ")") else { return nil }
    // Fields after the command name (which may contain spaces) start with field 3 (state).
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 19 else { return nil }
    return Int64(fields[19])
}
