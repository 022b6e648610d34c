import Foundation
import MetaTune

/// Checks a file a command is about to write: never the storage it reads from (nor its journal
/// files), an existing file only when the user said so, and a folder that exists.
enum OutputFile {
    /// Throws a one-line error when `path` must not be written. `storage` is the command's
    /// storage URL; `replacing` is the command's `--force`.
    static func check(_ path: String, replacing: Bool, storage: String) throws {
        let target = resolved(path)
        if let database = (try? StorageURL(storage))?.sqlitePath {
            let protected = [database, database + "-wal", database + "-shm", database + "-journal"].map(resolved)
            if protected.contains(target) {
                throw StudyError.invalidArgument("'\(path)' is the storage (\(storage)) itself: write the export to another file")
            }
        }
        let folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw StudyError.invalidArgument("cannot write '\(path)': directory '\(folder)' does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw StudyError.invalidArgument("cannot write '\(path)': it is a directory") }
            if !replacing { throw StudyError.invalidArgument("'\(path)' exists: pass --force to replace it") }
        }
    }

    /// The absolute path with symbolic links and `.`/`..` resolved, to compare files.
    private static func resolved(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
