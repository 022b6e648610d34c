import ArgumentParser
import Foundation
import MetaTune
import MetaTuneSQLite

/// The `--storage URL` option shared by every command that reads or writes studies.
struct StorageOption: ParsableArguments {
    @Option(name: .long, help: "Where studies live: sqlite:PATH (default sqlite:metatune.sqlite in the working directory) or memory:.")
    var storage: String = "sqlite:metatune.sqlite"

    /// Opens the storage named by the URL; `readOnly` for commands that only read (they create
    /// and write nothing, and work on a file the user may only read).
    func open(readOnly: Bool = false) throws -> Storage {
        try StorageLocator.open(storage, readOnly: readOnly)
    }
}

/// Turns a storage URL into a storage.
enum StorageLocator {
    static func open(_ url: String, readOnly: Bool = false) throws -> Storage {
        if url == "memory:" { return InMemoryStorage() }
        if let path = sqlitePath(url) {
            guard !path.isEmpty else { throw StudyError.invalidArgument("storage URL '\(url)' names no file (use sqlite:PATH)") }
            return try SQLiteStorage(path: path, readOnly: readOnly)
        }
        throw StudyError.invalidArgument("unsupported storage URL '\(url)' (use sqlite:PATH or memory:)")
    }

    /// The file of a `sqlite:PATH` (or `sqlite:///abs/path`) URL, or nil for another kind.
    static func sqlitePath(_ url: String) -> String? {
        guard url.hasPrefix("sqlite:") else { return nil }
        let path = String(url.dropFirst("sqlite:".count))
        return path.hasPrefix("//") ? String(path.dropFirst(2)) : path
    }
}
