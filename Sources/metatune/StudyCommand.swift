import ArgumentParser
import Foundation
import MetaTune
import MetaTuneStorages
import MetaTuneExternal
import MetaTuneSQLite

struct StudyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "Create, inspect, export and delete studies.",
        subcommands: [Create.self, List.self, Show.self, Best.self, Trials.self, Importance.self, Export.self, StudyCopyCommand.self, Delete.self]
    )

    /// The study a subcommand works on: its name and storage.
    struct Selection: ParsableArguments {
        @Argument(help: "The study's name.") var name: String
        @OptionGroup var storage: StorageOption

        /// Runs `body` on the opened storage (read-only unless `writing`) and study; any error
        /// exits with one clear line.
        func run(writing: Bool = false, _ body: (Storage, StudyRecord) throws -> Void) {
            do {
                let store = try storage.open(readOnly: !writing)
                guard let record = try store.study(named: name) else { throw StorageError.noSuchStudy(name) }
                try body(store, record)
            } catch {
                failClearly(error)
            }
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
                let store = try storage.open(readOnly: true)
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
        @OptionGroup var study: Selection
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            study.run { store, record in
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
                    TrialReport.printParams(best.params)
                }
            }
        }
    }

    struct Best: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the best trial.")
        @OptionGroup var study: Selection
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            study.run { store, record in
                guard let best = StudyHistory(direction: record.direction, trials: try store.allTrials(studyID: record.id)).bestTrial
                else { throw StudyError.invalidArgument("study '\(record.name)' has no complete trial yet") }
                if json {
                    print(TrialReport.json(best))
                } else {
                    print("trial \(best.number): value \(best.value!)")
                    TrialReport.printParams(best.params)
                }
            }
        }
    }

    struct Trials: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a study's trials.")
        @OptionGroup var study: Selection
        @Option(help: "Only trials in this state: waiting, running, complete, pruned or failed.") var state: TrialState?
        @Flag(help: "Print a JSON array of trials.") var json = false

        func run() throws {
            study.run { store, record in
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
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export a study's trials as CSV or JSON.")
        @OptionGroup var study: Selection
        @Option(help: "csv or json.") var format: ExportFormat
        @Option(help: "Write to this file instead of standard output (never the storage itself).") var output: String?
        @Flag(help: "Replace --output if it exists.") var force = false

        enum ExportFormat: String, ExpressibleByArgument { case csv, json }

        func run() throws {
            study.run { store, record in
                let trials = try store.allTrials(studyID: record.id)
                let text = format == .csv ? TrialsTable(trials: trials).csv() : StudyExport.json(record, trials: trials)
                if let output {
                    try OutputFile.check(output, replacing: force, storage: study.storage.storage)
                    do {
                        try text.write(toFile: output, atomically: true, encoding: .utf8)
                    } catch {
                        throw StudyError.invalidArgument("cannot write '\(output)': \(error.localizedDescription)")
                    }
                } else {
                    print(text, terminator: "")
                }
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a study and all its trials.")
        @OptionGroup var study: Selection
        @Flag(help: "Confirm the deletion.") var yes = false
        @Flag(help: "Delete even while a live runner works on the study (its in-flight trials are lost).") var force = false

        func run() throws {
            guard yes else { usageError("refusing to delete study '\(study.name)' without --yes") }
            study.run(writing: true) { store, record in
                do {
                    try store.deleteStudy(record, force: force)
                } catch let refusal as StudyDeletionRefusal {
                    throw StudyError.invalidArgument("\(refusal), or pass --force to delete it anyway")
                }
                if let sqlite = store as? SQLiteStorage { try CheckpointFolder.remove(for: record, storagePath: sqlite.path) }
                print("deleted study '\(record.name)'")
            }
        }
    }
}

