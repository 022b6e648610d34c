import ArgumentParser
import Foundation
import MetaTune
import MetaTuneReport

/// `metatune report NAME --output FILE.html`: the study as one self-contained HTML file.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a study as one self-contained HTML file: summary, plots and trial table.",
        discussion: """
        The file has every plot that applies (history with each trial's origin, learning curves, parameter \
        importance, parallel coordinates, slices, contour, rank, EDF, timeline, Hyperband rungs, PBT lineage, \
        nearest past tasks) as inline SVG and a sortable, filterable trial table; it makes no request when \
        opened. --compare adds studies to the history and EDF plots.
        """
    )

    @Argument(help: "The study's name.") var name: String
    @OptionGroup var storage: StorageOption
    @Option(help: "The HTML file to write.") var output: String
    @Flag(help: "Replace --output if it exists.") var force = false
    @Option(help: "Studies to compare with (comma-separated names).") var compare: String?
    @Option(help: "Importance method: ped-anova, fanova or none.") var importance: String = ImportanceMethod.pedANOVA.rawValue
    @Option(help: "The contour's two parameters, as X,Y (default: the two most important).") var contour: String?
    @Option(help: "Value axes: log, linear or auto (log when all values are positive and span over two decades).") var scale: String = "auto"
    @Option(parsing: .unconditional, help: "Learning curves of the best N trials.") var topCurves = 20

    func validate() throws {
        try NumberCheck.positive(topCurves, "--top-curves")
        guard ["log", "linear", "auto"].contains(scale) else { throw UsageError("--scale must be log, linear or auto, got '\(scale)'") }
        guard importance == "none" || ImportanceMethod(rawValue: importance) != nil else {
            throw UsageError("--importance must be ped-anova, fanova or none, got '\(importance)'")
        }
        if let contour, contour.split(separator: ",").count != 2 { throw UsageError("--contour takes two parameter names, X,Y") }
    }

    func run() throws {
        do {
            try OutputFile.check(output, replacing: force, storage: storage.storage)
            let store = try storage.open(readOnly: true)
            let study = try StudySnapshot(name: name, storage: store)
            var options = StudyPlots.Options()
            options.compare = try (compare ?? "").split(separator: ",").map { try StudySnapshot(name: $0.trimmingCharacters(in: .whitespaces), storage: store) }
            options.importance = ImportanceMethod(rawValue: importance)
            options.logScale = scale == "auto" ? nil : scale == "log"
            options.topCurves = topCurves
            if let pair = contour?.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
                let names = Set(study.trials.flatMap(\.params.keys))
                if let unknown = pair.first(where: { !names.contains($0) }) {
                    throw StudyError.invalidArgument("study '\(name)' has no parameter '\(unknown)' for --contour")
                }
                options.contour = (pair[0], pair[1])
            }
            let html = HTMLReport.render(study, options: options)
            do {
                try html.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                throw StudyError.invalidArgument("cannot write '\(output)': \(error.localizedDescription)")
            }
            print("report of study '\(name)' (\(study.trials.count) trials): \(URL(fileURLWithPath: output).standardizedFileURL.path)")
        } catch {
            failClearly(error)
        }
    }
}
