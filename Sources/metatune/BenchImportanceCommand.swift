import ArgumentParser
import Foundation
import MetaTune

/// `metatune bench importance`: times both importance methods on a study of known structure.
struct BenchImportanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "importance",
        abstract: "Time parameter importance on a study of known structure (10·x1 + 3·x2 + x3).",
        discussion: """
        Builds --trials complete trials of --params uniform parameters x1, x2, … (value 10·x1 + 3·x2 + x3, \
        minimised), evaluates each method --repeats times and reports the median time and whether the \
        ranking starts x1, x2, x3. --export writes the trials as `study export --format json` does, for \
        the Optuna side of bench/compare_importance.sh. --method times one method only. With --json: {"trials", "params", "ped_anova": \
        {"median_s", "runs_s", "ranking", "agrees", "importances"}, "fanova": {…}}.
        """
    )

    @Option(parsing: .unconditional, help: "Complete trials in the study.") var trials = 10_000
    @Option(parsing: .unconditional, help: "Parameters (at least 3).") var params = 8
    @Option(parsing: .unconditional, help: "Evaluations per method.") var repeats = 5
    @Option(help: "Time only this method: ped-anova or fanova (both when omitted).") var method: ImportanceMethod?
    @Option(help: "Write the trials to this JSON file.") var export: String?
    @Flag(help: "Replace --export if it exists.") var force = false
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        try NumberCheck.positive(trials, "--trials")
        try NumberCheck.positive(repeats, "--repeats")
        guard params >= 3 else { throw UsageError("--params must be at least 3 (x1, x2 and x3 carry the structure)") }
    }

    func run() throws {
        do {
            let study = try ImportanceBenchmark.trials(count: trials, parameters: params)
            if let export {
                try OutputFile.check(export, replacing: force, storage: "memory:")
                let record = StudyRecord(id: 0, name: "importance-bench", direction: .minimize)
                try StudyExport.json(record, trials: study).write(toFile: export, atomically: true, encoding: .utf8)
            }
            var object = OrderedJSONObject()
            object.add("trials", trials)
            object.add("params", params)
            for method in self.method.map({ [$0] }) ?? ImportanceMethod.allCases {
                let timing = try ImportanceBenchmark.time(method, trials: study, repeats: repeats)
                if json {
                    object.addRaw(method == .pedANOVA ? "ped_anova" : "fanova", Self.json(timing, params: params))
                } else {
                    print(String(format: "%-10@ median %.4f s over %d runs; ranking %@ (%@)", method.rawValue, timing.medianSeconds,
                                 timing.runs.count, timing.ranking.prefix(4).joined(separator: " > "),
                                 timing.agrees(parameters: params) ? "as built" : "NOT as built"))
                }
            }
            if json { print(object.text) }
        } catch {
            failClearly(error)
        }
    }

    private static func json(_ timing: ImportanceBenchmark.Timing, params: Int) -> String {
        var object = OrderedJSONObject()
        object.add("median_s", timing.medianSeconds)
        object.addRaw("runs_s", "[" + timing.runs.map(jsonNumber).joined(separator: ",") + "]")
        object.addRaw("ranking", "[" + timing.ranking.map(jsonString).joined(separator: ",") + "]")
        object.addRaw("agrees", timing.agrees(parameters: params) ? "true" : "false")
        object.add("trials_used", timing.importances.trialsUsed)
        var importances = OrderedJSONObject()
        for entry in timing.importances.entries { importances.add(entry.name, entry.importance) }
        object.addRaw("importances", importances.text)
        return object.text
    }
}
