import Foundation

/// A flag a signal handler (Ctrl-C) raises to stop a run; shared by every worker and objective.
public final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false

    public init() {}

    public var isRaised: Bool { lock.withLock { raised } }

    public func raise() { lock.withLock { raised = true } }
}
