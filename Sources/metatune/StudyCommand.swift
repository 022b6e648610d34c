import ArgumentParser
import Foundation
import MetaTune

struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Create, inspect, export and delete studies.",
        subcommands: [Create.self, List.self, Show.self, Best.self, Trials.self, Export.self, Delete.self]
    )

    /// Opens the storage and the named study, or exits with one clear line.
    static func load(_ name: String, _ storage: StorageOption) -> (Storage, StudyRecord) {
        do {
            let store = try storage.open()
            guard let record = try store.study(named: name) else { throw StorageError.noSuchStudy(name) }
            return (store, record)
        } catch {
            failClearly(error)
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an empty study.")
        @Argument(help: "The study's name.") var name: String
        @Option(help: "minimize or maximize.") var direction: StudyDirection = .minimize
        @OptionGroup var storage: StorageOption
        @Flag(help: "Print the study as JSON.") var json = false

        func run() throws {
            do {
                let record = try storage.open().createStudy(name: name, direction: direction)
                print(json ? StudyReport.json(record, trials: []) : "created study '\(record.name)' (\(record.direction.rawValue))")
            } catch {
                failClearly(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the studies.")
        @OptionGroup var storage: StorageOption
        @Flag(help: "Print a JSON array.") var json = false

        func run() throws {
            do {
                let store = try storage.open()
                let studies = try store.allStudies().map { ($0, try store.allTrials(studyID: $0.id)) }
                if json {
                    print("[" + studies.map { StudyReport.json($0.0, trials: $0.1) }.joined(separator: ",") + "]")
                    return
                }
                printTable(["name", "direction", "trials", "complete", "best"], studies.map { record, trials in
                    [record.name, record.direction.rawValue, String(trials.count),
                     String(trials.filter { $0.state == .complete }.count),
                     TrialReport.cell(StudyHistory(direction: record.direction, trials: trials).bestTrial?.value)]
                })
            } catch {
                failClearly(error)
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Summarise a study.")
        @Argument(help: "The study's name.") var name: String
        @OptionGroup var storage: StorageOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (store, record) = StudyCommand.load(name, storage)
            do {
                let trials = try store.allTrials(studyID: record.id)
                if json {
                    print(StudyReport.json(record, trials: trials))
                    return
                }
                print("study      \(record.name)")
                print("direction  \(record.direction.rawValue)")
                print("created    \(record.createdAt)")
                let counts = TrialState.allCases.map { state in "\(trials.filter { $0.state == state }.count) \(state.rawValue)" }
                print("trials     \(trials.count) (" + counts.joined(separator: ", ") + ")")
                if let best = StudyHistory(direction: record.direction, trials: trials).bestTrial {
                    print("best       \(best.value!) (trial \(best.number))")
                    for name in best.params.keys.sorted() { print("  \(name) = \(best.params[name]!)") }
                }
            } catch {
                failClearly(error)
            }
        }
    }

    struct Best: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the best trial.")
        @Argument(help: "The study's name.") var name: String
        @OptionGroup var storage: StorageOption
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let (store, record) = StudyCommand.load(name, storage)
            do {
                guard let best = StudyHistory(direction: record.direction, trials: try store.allTrials(studyID: record.id)).bestTrial
                else { throw StudyError.invalidArgument("study '\(name)' has no complete trial yet") }
                if json {
                    print(TrialReport.json(best))
                } else {
                    print("trial \(best.number): value \(best.value!)")
                    for name in best.params.keys.sorted() { print("  \(name) = \(best.params[name]!)") }
                }
            } catch {
                failClearly(error)
            }
        }
    }

    struct Trials: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a study's trials.")
        @Argument(help: "The study's name.") var name: String
        @Option(help: "Only trials in this state: waiting, running, complete, pruned or failed.") var state: TrialState?
        @OptionGroup var storage: StorageOption
        @Flag(help: "Print a JSON array of trials.") var json = false

        func run() throws {
            let (store, record) = StudyCommand.load(name, storage)
            do {
                let trials = try store.allTrials(studyID: record.id).filter { state == nil || $0.state == state }
                if json {
                    print("[" + trials.map(TrialReport.json).joined(separator: ",") + "]")
                    return
                }
                let names = Array(Set(trials.flatMap(\.params.keys))).sorted()
                printTable(["number", "state", "value", "duration_s"] + names + ["reason"], trials.map { trial in
                    [String(trial.number), trial.state.rawValue, TrialReport.cell(trial.value),
                     trial.duration.map { String(format: "%.2f", $0) } ?? "-"]
                        + names.map { trial.params[$0]?.description ?? "-" } + [trial.failReason ?? ""]
                })
            } catch {
                failClearly(error)
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export a study's trials as CSV or JSON.")
        @Argument(help: "The study's name.") var name: String
        @Option(help: "csv or json.") var format: ExportFormat
        @Option(help: "Write to this file instead of standard output.") var output: String?
        @OptionGroup var storage: StorageOption

        enum ExportFormat: String, ExpressibleByArgument { case csv, json }

        func run() throws {
            let (store, record) = StudyCommand.load(name, storage)
            do {
                let trials = try store.allTrials(studyID: record.id)
                let text = format == .csv ? StudyReport.csv(trials) : StudyReport.exportJSON(record, trials: trials)
                if let output {
                    try text.write(toFile: output, atomically: true, encoding: .utf8)
                } else {
                    print(text, terminator: "")
                }
            } catch {
                failClearly(error)
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a study and all its trials.")
        @Argument(help: "The study's name.") var name: String
        @Flag(help: "Confirm the deletion.") var yes = false
        @OptionGroup var storage: StorageOption

        func run() throws {
            guard yes else { failClearly(StudyError.invalidArgument("refusing to delete study '\(name)' without --yes")) }
            let (store, record) = StudyCommand.load(name, storage)
            do {
                try store.deleteStudy(id: record.id)
                print("deleted study '\(name)'")
            } catch {
                failClearly(error)
            }
        }
    }
}

extension StudyDirection: ExpressibleByArgument {}
extension TrialState: ExpressibleByArgument {}
