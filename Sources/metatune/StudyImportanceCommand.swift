import ArgumentParser
import Foundation
import MetaTune

extension StudyCommand {
    /// `metatune study importance NAME`: which parameters matter, from the study's complete trials.
    struct Importance: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rank a study's parameters by how much they matter to its value.",
            discussion: """
            ped-anova (the default) compares each parameter's distribution among the best 10 % of the \
            complete trials with its distribution among all of them; fanova fits a random forest and \
            splits the variance of its prediction by parameter. Importances are shares that sum to 1.
            With --json: {"study", "method", "trials_used", "importances": [{"name", "importance", "trials"}]}, \
            most important first.
            """
        )
        @OptionGroup var study: Selection
        @Option(help: "ped-anova or fanova.") var method: ImportanceMethod = .pedANOVA
        @Option(help: "Only these parameters (comma-separated).") var params: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            study.run { store, record in
                let trials = try store.allTrials(studyID: record.id)
                let names = params?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                if let names, let unknown = names.first(where: { name in !trials.contains { $0.params[name] != nil } }) {
                    throw StudyError.invalidArgument("study '\(record.name)' has no parameter '\(unknown)'")
                }
                let importances: ParameterImportances
                do {
                    importances = try ParameterImportanceEvaluator(method: method).evaluate(trials, direction: record.direction, parameters: names)
                } catch let error as ImportanceError {
                    throw StudyError.invalidArgument("study '\(record.name)': \(error)")
                }
                if json {
                    print(Self.json(importances, study: record.name))
                    return
                }
                print("\(importances.method.rawValue) importance from \(importances.trialsUsed) complete trials of '\(record.name)'")
                printTable(["parameter", "importance", "", "trials"], importances.entries.map { entry in
                    [entry.name, String(format: "%.3f", entry.importance),
                     String(repeating: "█", count: Int((entry.importance * 30).rounded())), String(entry.trials)]
                })
            }
        }

        static func json(_ importances: ParameterImportances, study: String) -> String {
            var object = OrderedJSONObject()
            object.add("study", study)
            object.add("method", importances.method.rawValue)
            object.add("trials_used", importances.trialsUsed)
            let entries = importances.entries.map { entry in
                var row = OrderedJSONObject()
                row.add("name", entry.name)
                row.add("importance", entry.importance)
                row.add("trials", entry.trials)
                return row.text
            }
            object.addRaw("importances", "[" + entries.joined(separator: ",") + "]")
            return object.text
        }
    }
}
