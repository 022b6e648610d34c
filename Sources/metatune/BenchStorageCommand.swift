import ArgumentParser
import Foundation
import MetaTune
import MetaTuneStorages

/// `metatune bench storage`: trials per second through a storage with 1, 8, 32 worker processes.
struct BenchStorageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Time trials per second through a storage with several worker processes (ask/tell through the library).",
        discussion: """
        For each worker count, creates a fresh study, starts that many worker processes (this binary's \
        `bench storage-worker`), lets them all open the storage and then start at once, each running \
        ask → objective → tell for --seconds; reports completed trials per wall second (from the start \
        signal to the last tell) and deletes the study. With --json: {"storage", "objective", "sampler", \
        "results": [{"workers", "trials", "seconds", "trials_per_s", "ideal_trials_per_s", "errors"}]}.
        """
    )

    @OptionGroup var storage: StorageOption
    @Option(help: "Worker counts, comma-separated.") var workers = "1,8,32"
    @Option(help: "instant (x²) or sleep100 (sleeps 100 ms first).") var objective = "instant"
    @Option(help: "Sampler of the workers' studies.") var sampler = "tpe"
    @Option(parsing: .unconditional, help: "Seconds each measurement lasts.") var seconds = 15.0
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        do {
            guard let objective = StorageThroughputBenchmark.Objective(rawValue: objective) else {
                throw StudyError.invalidArgument("--objective must be instant or sleep100")
            }
            let counts = try workers.split(separator: ",").map { text -> Int in
                guard let count = Int(text.trimmingCharacters(in: .whitespaces)), (1...256).contains(count) else {
                    throw StudyError.invalidArgument("--workers takes counts from 1 to 256, comma-separated (got '\(text)')")
                }
                return count
            }
            guard seconds > 0, seconds <= 3600 else { throw StudyError.invalidArgument("--seconds must be above 0 and at most 3600") }
            let store = try storage.open()
            var rows: [String] = []
            for count in counts {
                let name = "bench-storage-\(count)-\(UUID().uuidString.prefix(8))"
                let record = try store.createStudy(name: name, direction: .minimize)
                defer { try? store.deleteStudy(id: record.id) }
                let result = try measure(workers: count, study: name, objective: objective)
                let perSecond = Double(result.trials) / result.seconds
                if json {
                    var object = OrderedJSONObject()
                    object.add("workers", count)
                    object.add("trials", result.trials)
                    object.add("seconds", result.seconds)
                    object.add("trials_per_s", perSecond)
                    object.add("ideal_trials_per_s", objective.ideal(workers: count))
                    object.addRaw("errors", "[" + result.errors.prefix(10).map(jsonString).joined(separator: ",") + "]")
                    rows.append(object.text)
                } else {
                    let ideal = objective.ideal(workers: count).map { String(format: " (%.0f%% of the ideal %.0f)", 100 * perSecond / $0, $0) } ?? ""
                    print(String(format: "%3d workers: %6d trials in %.1f s = %.1f trials/s%@%@", count, result.trials, result.seconds, perSecond,
                                 ideal, result.errors.isEmpty ? "" : ", \(result.errors.count) errors: \(result.errors[0])"))
                }
            }
            if json {
                var object = OrderedJSONObject()
                object.add("storage", try storage.url.description)
                object.add("objective", objective.rawValue)
                object.add("sampler", sampler)
                object.addRaw("results", "[" + rows.joined(separator: ",") + "]")
                print(object.text)
            }
        } catch {
            failClearly(error)
        }
    }

    /// Starts the workers, waits until each has opened the storage, starts them at once and
    /// collects their results.
    private func measure(workers count: Int, study: String, objective: StorageThroughputBenchmark.Objective) throws -> (trials: Int, seconds: Double, errors: [String]) {
        guard let binary = Bundle.main.executableURL else { throw StudyError.invalidArgument("cannot find this program's own file to start workers") }
        let processes = try (0..<count).map { _ -> (Process, Pipe, Pipe) in
            let process = Process()
            process.executableURL = binary
            process.arguments = ["bench", "storage-worker", "--storage", storage.storage, "--study", study,
                                 "--objective", objective.rawValue, "--sampler", sampler, "--seconds", String(seconds)]
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            return (process, input, output)
        }
        for (_, _, output) in processes {
            let ready = readLine(from: output.fileHandleForReading)
            guard ready == "ready" else { throw StudyError.invalidArgument("a worker did not start: \(ready ?? "no output")") }
        }
        let start = Date().timeIntervalSince1970
        for (_, input, _) in processes { input.fileHandleForWriting.write(Data("go\n".utf8)) }
        var trials = 0, end = start, errors: [String] = []
        for (process, _, output) in processes {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard let result = try? JSONDecoder().decode(StorageThroughputBenchmark.WorkerResult.self, from: data) else {
                errors.append("a worker exited \(process.terminationStatus) without a result")
                continue
            }
            trials += result.trials
            end = max(end, result.finishedAt)
            errors += result.errors
        }
        return (trials, end - start, errors)
    }

    private func readLine(from handle: FileHandle) -> String? {
        var bytes = Data()
        while let byte = try? handle.read(upToCount: 1), let first = byte.first {
            if first == UInt8(ascii: "\n") { break }
            bytes.append(first)
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}

/// `metatune bench storage-worker`: one worker of `bench storage` (not for direct use).
struct BenchStorageWorkerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "storage-worker", abstract: "One worker of `bench storage`.",
                                                    shouldDisplay: false)

    @OptionGroup var storage: StorageOption
    @Option var study: String
    @Option var objective: String
    @Option var sampler: String
    @Option var seconds: Double

    func run() throws {
        do {
            guard let objective = StorageThroughputBenchmark.Objective(rawValue: objective) else {
                throw StudyError.invalidArgument("unknown objective '\(objective)'")
            }
            let store = try storage.open()
            let sampler = try SamplerCatalog.make(self.sampler, seed: UInt64(ProcessInfo.processInfo.processIdentifier), space: nil)
            let study = try Study.create(name: study, sampler: sampler, storage: store, loadIfExists: true)
            print("ready")
            fflush(nil)
            _ = Swift.readLine()
            let result = StorageThroughputBenchmark.work(study: study, objective: objective, until: Date().addingTimeInterval(seconds))
            print(String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
        } catch {
            failClearly(error)
        }
    }
}
