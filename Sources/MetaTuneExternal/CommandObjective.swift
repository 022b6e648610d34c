import Foundation
import MetaTune
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Why an external trial did not produce a value.
public struct CommandFailure: Error, CustomStringConvertible {
    public let reason: String
    public let exitStatus: String?
    public let standardErrorTail: String

    public var description: String {
        var text = reason
        if let exitStatus { text += " (\(exitStatus))" }
        if !standardErrorTail.isEmpty { text += "; stderr: " + standardErrorTail }
        return text
    }
}

/// Runs an external command as the objective of a trial.
///
/// The command is started directly (no shell) in its own process group, with the trial's
/// parameters substituted into its arguments and set as `METATUNE_PARAM_<NAME>` variables. Its
/// standard output is read line by line as it arrives (see `ObjectiveLine`): intermediate values
/// are reported at once, and when the study's pruner says so, or the trial times out, or `stop` is
/// raised, the whole process group gets SIGTERM and, after `terminationGrace`, SIGKILL.
public struct CommandObjective: Sendable {
    public let template: CommandTemplate
    /// Seconds a trial may run; nil for no limit.
    public let timeout: TimeInterval?
    /// Seconds between SIGTERM and SIGKILL.
    public let terminationGrace: TimeInterval
    public let stop: StopFlag
    /// How many trailing bytes of standard error a failure keeps.
    public static let standardErrorTailBytes = 2048

    public init(template: CommandTemplate, timeout: TimeInterval? = nil, terminationGrace: TimeInterval = 5,
                stop: StopFlag = StopFlag()) {
        self.template = template
        self.timeout = timeout
        self.terminationGrace = terminationGrace
        self.stop = stop
    }

    /// Runs the command for `trial` and returns its objective value. Throws `TrialPruned` when
    /// the pruner stopped it and `CommandFailure` for a crash, a timeout, an interruption or a
    /// missing or non-finite value (the failure is also recorded in the trial's system
    /// attributes `exit_status` and `stderr_tail`).
    public func evaluate(_ trial: Trial) throws -> Double {
        try evaluate(trial, params: trial.params)
    }

    /// Runs the command for `trial` with `params` (population-based training changes them
    /// during a trial) and the scheduler placeholders `scheduling` (resource, checkpoint, restore).
    public func evaluate(_ trial: Trial, params: [String: ParamValue], scheduling: [String: String] = [:]) throws -> Double {
        let argv = template.render(params: params, trialNumber: trial.number, scheduling: scheduling)
        let environment = CommandTemplate.environment(params: params, trialNumber: trial.number, scheduling: scheduling)
        let outcome = try blocking { try await run(argv: argv, environment: environment, trial: trial) }
        if let step = outcome.prunedAt {
            throw TrialPruned("pruned at step \(step)")
        }
        let failure: String?
        if outcome.interrupted {
            failure = "interrupted"
        } else if outcome.timedOut {
            failure = "timed out after \(formatSeconds(timeout ?? 0)) s"
        } else if !outcome.status.isSuccess {
            failure = "the command failed"
        } else if let invalid = outcome.invalidReport {
            failure = invalid
        } else if let value = outcome.value, !value.isFinite {
            failure = "the command reported a non-finite value (\(value))"
        } else if outcome.value == nil {
            failure = "the command printed no value (expected a line {\"value\": x} or a bare number)"
        } else {
            failure = nil
        }
        if let failure {
            let status = Self.describe(outcome.status)
            try? trial.setSystemAttribute("exit_status", .string(status))
            try? trial.setSystemAttribute("stderr_tail", .string(outcome.standardErrorTail))
            throw CommandFailure(reason: failure, exitStatus: status, standardErrorTail: outcome.standardErrorTail)
        }
        return outcome.value!
    }

    // MARK: - Running the process

    private struct Outcome: Sendable {
        var status: TerminationStatus = .exited(0)
        var value: Double?
        var prunedAt: Int?
        var timedOut = false
        var interrupted = false
        var standardErrorTail = ""
        /// A `{"value": x}` line was seen: bare numbers no longer count.
        var sawJSONValue = false
        /// The first report line that could not be used, and why.
        var invalidReport: String?
    }

    /// Mutable state shared by the tasks that watch one process.
    private final class Watch: @unchecked Sendable {
        let lock = NSLock()
        var outcome = Outcome()
        var finished = false
        func update(_ change: (inout Outcome) -> Void) { lock.withLock { change(&outcome) } }
        var snapshot: Outcome { lock.withLock { outcome } }
    }

    private func run(argv: [String], environment: [String: String], trial: Trial) async throws -> Outcome {
        let program = argv[0]
        let executable: Executable = program.contains("/") ? .path(FilePath(program)) : .name(program)
        var options = PlatformOptions()
        options.processGroupID = 0  // a group of its own, so teardown reaches its children too
        let teardown: [TeardownStep] = [.gracefulShutDown(toProcessGroup: true,
                                                          allowedDurationToNextStep: .milliseconds(Int(terminationGrace * 1000)))]
        options.teardownSequence = teardown
        var overrides: [Environment.Key: String?] = [:]
        for (key, value) in environment { overrides[Environment.Key(stringLiteral: key)] = value }
        let configuration = Configuration(executable: executable, arguments: Arguments(Array(argv.dropFirst())),
                                          environment: .inherit.updating(overrides), platformOptions: options)
        let watch = Watch()
        let deadline = timeout.map { Date().addingTimeInterval($0) }
        let stop = self.stop
        let result = try await Subprocess.run(configuration, input: .none, output: .sequence, error: .sequence) { execution in
            // Watchdog: timeout and Ctrl-C.
            let watchdog = Task {
                while !Task.isCancelled {
                    let timedOut = deadline.map { Date() >= $0 } ?? false
                    if timedOut || stop.isRaised {
                        watch.update { timedOut ? ($0.timedOut = true) : ($0.interrupted = true) }
                        await execution.teardown(using: teardown)
                        return
                    }
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            async let errorTail: String = Self.tail(of: execution.standardError)
            var lines = LineSplitter()
            // The learning-curve points of one chunk of output are stored in one write, and the
            // pruner asked once, at the chunk's last step: a command printing 100,000 points is
            // stored in a few hundred writes, not 100,000.
            var curve: [Int: Double] = [:]
            var lastStep = 0
            for try await buffer in execution.standardOutput {
                for line in buffer.withUnsafeBytes({ lines.feed($0) }) {
                    handle(line)
                }
                try await storeCurve()
            }
            if let last = lines.finish() { handle(last) }
            try await storeCurve()

            func storeCurve() async throws {
                guard !curve.isEmpty, watch.snapshot.prunedAt == nil else { return }
                try trial.report(curve)
                curve = [:]
                if try trial.shouldPrune {
                    watch.update { $0.prunedAt = lastStep }
                    await execution.teardown(using: teardown)
                }
            }

            func handle(_ line: String) {
                switch ObjectiveLine(line) {
                case .value(let value):
                    watch.update { $0.value = value; $0.sawJSONValue = true }
                case .number(let value):
                    watch.update { outcome in if !outcome.sawJSONValue { outcome.value = value } }
                case .intermediate(let step, let value):
                    curve[step] = value
                    lastStep = step
                case .invalid(let reason):
                    watch.update { outcome in
                        if outcome.invalidReport == nil { outcome.invalidReport = "its output line '\(line.prefix(200))' was not understood: \(reason)" }
                    }
                case .other:
                    return
                }
            }
            let tail = try await errorTail
            watchdog.cancel()
            watch.update { $0.standardErrorTail = tail }
        }
        await Self.endLeftovers(ofGroup: result.processIdentifier.value, grace: terminationGrace)
        var outcome = watch.snapshot
        outcome.status = result.terminationStatus
        return outcome
    }

    /// Ends what the trial's command left running in its process group after it exited (a
    /// server, a `sleep` in the background): SIGTERM, then SIGKILL to whatever is left after
    /// `grace` seconds. The group outlives its leader only while members remain, and its id is
    /// not reused meanwhile, so this reaches the trial's own processes only.
    private static func endLeftovers(ofGroup group: pid_t, grace: TimeInterval) async {
        guard group > 0, kill(-group, SIGTERM) == 0 else { return }  // ESRCH: nothing left
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            try? await Task.sleep(for: .milliseconds(20))
            if kill(-group, 0) != 0 { return }
        }
        kill(-group, SIGKILL)
    }

    /// The last `standardErrorTailBytes` bytes of a stream, as text.
    private static func tail(of stream: SubprocessOutputSequence) async throws -> String {
        var bytes: [UInt8] = []
        for try await buffer in stream {
            buffer.withUnsafeBytes { bytes.append(contentsOf: $0) }
            if bytes.count > 4 * standardErrorTailBytes { bytes.removeFirst(bytes.count - standardErrorTailBytes) }
        }
        if bytes.count > standardErrorTailBytes { bytes.removeFirst(bytes.count - standardErrorTailBytes) }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func describe(_ status: TerminationStatus) -> String {
        switch status {
        case .exited(let code): return "exit status \(code)"
        case .signaled(let signal): return "killed by signal \(signal)"
        }
    }
}

/// Splits a byte stream into lines (LF or CRLF), across buffer boundaries.
struct LineSplitter {
    private var pending: [UInt8] = []

    /// The complete lines in `bytes` (with what was pending before).
    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [String] {
        var lines: [String] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
                lines.append(String(decoding: pending, as: UTF8.self))
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
        return lines
    }

    /// The last line if the stream did not end with a newline.
    mutating func finish() -> String? {
        defer { pending.removeAll() }
        return pending.isEmpty ? nil : String(decoding: pending, as: UTF8.self)
    }
}

private func formatSeconds(_ seconds: TimeInterval) -> String {
    seconds.rounded() == seconds ? String(Int(seconds)) : String(seconds)
}

/// Runs async work to completion from synchronous code (a worker thread of `Study.optimize`).
func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    // Default priority: a task that inherits a worker thread's user-initiated QoS runs on a
    // thread that Dispatch gives nice -2 when MetaTune runs as root, and the trial's command
    // would inherit it; commands run at the caller's priority.
    Task(priority: .medium) {
        do { box.result = .success(try await work()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try box.result!.get()
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, Error>?
}
