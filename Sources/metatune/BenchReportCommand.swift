import ArgumentParser
import Foundation
import MetaTune
import MetaTuneReport

/// `metatune bench report`: how long `metatune report` takes on a large study.
struct BenchReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Time the HTML report of a large study (read from the storage, render, write).",
        discussion: """
        Writes the study 'report-bench' (--trials trials of --params parameters with --steps intermediate \
        values each) into --storage once through the storage API if it is not there, then times --repeats \
        reports of it, each reading the study, rendering and writing --output. With --json: \
        {"trials", "params", "steps", "median_s", "runs_s", "bytes"}.
        """
    )

    @Option(parsing: .unconditional, help: "Trials in the study.") var trials = 10_000
    @Option(parsing: .unconditional, help: "Parameters.") var params = 8
    @Option(parsing: .unconditional, help: "Intermediate values per complete trial.") var steps = 50
    @Option(parsing: .unconditional, help: "Reports to time.") var repeats = 3
    @OptionGroup var storage: StorageOption
    @Option(help: "The HTML file each run writes (replaced).") var output: String
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        try NumberCheck.positive(trials, "--trials")
        try NumberCheck.positive(params, "--params")
        try NumberCheck.positive(steps, "--steps")
        try NumberCheck.positive(repeats, "--repeats")
    }

    func run() throws {
        do {
            try OutputFile.check(output, replacing: true, storage: storage.storage)
            let store = try storage.open()
            if try store.study(named: "report-bench") == nil {
                let study = try ReportBenchmark.study(trials: trials, parameters: params, steps: steps)
                let progress = ProgressLine(enabled: !json, total: trials, label: "writing trials")
                try ReportBenchmark.store(study, in: store) { progress.update(done: $0, best: nil) }
                progress.finish()
            }
            var runs: [Double] = []
            var bytes = 0
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                let reader = try storage.open(readOnly: true)
                let html = HTMLReport.render(try StudySnapshot(name: "report-bench", storage: reader))
                try html.write(toFile: output, atomically: true, encoding: .utf8)
                runs.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                bytes = html.utf8.count
            }
            let median = runs.sorted()[runs.count / 2]
            if json {
                var object = OrderedJSONObject()
                object.add("trials", trials)
                object.add("params", params)
                object.add("steps", steps)
                object.add("median_s", median)
                object.addRaw("runs_s", "[" + runs.map(jsonNumber).joined(separator: ",") + "]")
                object.add("bytes", bytes)
                print(object.text)
            } else {
                print(String(format: "report of %d trials × %d parameters × %d steps: median %.3f s over %d runs, %.1f MB",
                             trials, params, steps, median, runs.count, Double(bytes) / 1e6))
            }
        } catch {
            failClearly(error)
        }
    }
}
