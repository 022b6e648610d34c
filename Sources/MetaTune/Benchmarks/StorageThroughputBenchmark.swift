import Foundation

/// Trials per second through a shared storage: worker processes each open the storage and run
/// ask → objective → tell on one study for a fixed time (`metatune bench storage`, side by side
/// with Optuna's RDBStorage in bench/storage_throughput.sh).
public enum StorageThroughputBenchmark {
    /// What each trial computes.
    public enum Objective: String, CaseIterable, Sendable {
        /// x², at once: the storage's own cost per trial.
        case instant
        /// Sleeps 100 ms first: how close workers come to the ideal of 10 trials/s each.
        case sleep100

        /// The ideal trials per second of `workers` workers (nil for `instant`).
        public func ideal(workers: Int) -> Double? { self == .sleep100 ? Double(workers) * 10 : nil }
    }

    /// One worker's result.
    public struct WorkerResult: Sendable, Codable {
        /// Trials this worker completed.
        public var trials: Int
        /// When its last trial was told (seconds since 1970).
        public var finishedAt: Double
        /// Failures met (each ends that trial; the worker goes on).
        public var errors: [String]
    }

    /// Runs trials of `study` until `deadline`: each asks one float parameter `x` in [−10, 10],
    /// computes `objective`, and tells the value. The trial under way at the deadline finishes.
    public static func work(study: Study, objective: Objective, until deadline: Date) -> WorkerResult {
        var trials = 0
        var errors: [String] = []
        while Date() < deadline {
            do {
                let trial = try study.ask()
                let x = try trial.suggestFloat("x", in: -10...10)
                if objective == .sleep100 { Thread.sleep(forTimeInterval: 0.1) }
                try study.tell(trial, value: x * x)
                trials += 1
            } catch {
                if errors.count < 20 { errors.append("\(error)") }
                if errors.count >= 20 { break }
            }
        }
        return WorkerResult(trials: trials, finishedAt: Date().timeIntervalSince1970, errors: errors)
    }
}
