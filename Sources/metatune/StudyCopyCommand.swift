import ArgumentParser
import Foundation
import MetaTune
import MetaTuneStorages

/// `metatune study copy`: copies studies between storages, losslessly (`StudyCopy`).
struct StudyCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a study (or every study) from one storage to another.",
        discussion: """
        Copies every trial with its parameters and distributions, value, learning curve, attributes, times, \
        owner and failure reason, and the study's attributes, in one transaction per study: a user who \
        outgrows SQLite moves to PostgreSQL (and back). The destination must not have a study of that name. \
        The source is opened read-only. Examples:
          metatune study copy search --from sqlite:metatune.sqlite --to postgresql://me@db.example/studies
          metatune study copy --all --from sqlite:old.sqlite --to sqlite:new.sqlite
        """
    )

    @Argument(help: "The study to copy (omit with --all).") var name: String?
    @Flag(help: "Copy every study of the source (none is written if any name is taken at the destination).") var all = false
    @Option(help: "The storage to copy from (\(StorageURL.forms)).") var from: String
    @Option(help: "The storage to copy to.") var to: String
    @Option(name: .customLong("as"), help: "The copy's name at the destination (one study only).") var newName: String?

    func validate() throws {
        if all && name != nil { throw ValidationError("give a study name or --all, not both") }
        if !all && name == nil { throw ValidationError("give the study to copy, or --all") }
        if all && newName != nil { throw ValidationError("--as renames one study; it cannot go with --all") }
    }

    func run() throws {
        do {
            let sourceURL = try StorageURL(from), destinationURL = try StorageURL(to)
            guard sourceURL != destinationURL else { throw StudyError.invalidArgument("--from and --to name the same storage") }
            let source = try sourceURL.open(readOnly: true)
            let destination = try destinationURL.open()
            if let name {
                let record = try StudyCopy.copy(named: name, from: source, to: destination, as: newName)
                let count = try destination.allTrials(studyID: record.id).count
                print("copied study '\(name)'\(newName.map { " as '\($0)'" } ?? "") (\(count) trials) to \(destinationURL)")
            } else {
                let copied = try StudyCopy.copyAll(from: source, to: destination) { record, trials in
                    print("copied study '\(record.name)' (\(trials) trials)")
                }
                print("copied \(copied.count) \(copied.count == 1 ? "study" : "studies") to \(destinationURL)")
            }
        } catch {
            failClearly(error)
        }
    }
}
