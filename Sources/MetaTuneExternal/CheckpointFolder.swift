import Foundation
import MetaTune

/// Where a study's scheduler checkpoints go by default: beside its SQLite storage, in
/// `STORAGE.checkpoints/study-ID-NAME`. The study's id (never reused within a storage) keys the
/// folder, so a study of the same name in another storage, or one created again after a
/// deletion, never takes another's checkpoints; the name only helps a reader, reduced to
/// letters, digits, `.`, `_` and `-` so that no name leads outside the folder.
public enum CheckpointFolder {
    /// The default checkpoint folder of the study with `studyID` and `name` in the SQLite storage
    /// at `storagePath`.
    public static func folder(studyID: Int, name: String, storagePath: String) -> URL {
        folder(studyID: studyID, name: name, in: URL(fileURLWithPath: storagePath + ".checkpoints", isDirectory: true))
    }

    /// The checkpoint folder of the study with `studyID` and `name` inside `parent` (a
    /// `--checkpoint-dir`, which several studies — and runners on several hosts — may share).
    public static func folder(studyID: Int, name: String, in parent: URL) -> URL {
        parent.appendingPathComponent("study-\(studyID)-\(safeName(name))", isDirectory: true)
    }

    /// Removes the default checkpoint folder of `study` (after the study was deleted), and the
    /// parent folder when nothing else is left in it. A missing folder is not an error.
    public static func remove(for study: StudyRecord, storagePath: String) throws {
        let folder = folder(studyID: study.id, name: study.name, storagePath: storagePath)
        let manager = FileManager.default
        guard manager.fileExists(atPath: folder.path) else { return }
        do {
            try manager.removeItem(at: folder)
            let parent = folder.deletingLastPathComponent()
            if (try? manager.contentsOfDirectory(atPath: parent.path))?.isEmpty == true { try? manager.removeItem(at: parent) }
        } catch {
            throw CommandError("cannot remove the checkpoints of study '\(study.name)' at \(folder.path): \(error.localizedDescription)")
        }
    }

    /// The name with every character outside letters, digits, `.`, `_` and `-` as `_`, at most
    /// 64 characters, and never `.` or `..`.
    static func safeName(_ name: String) -> String {
        let kept = String(name.unicodeScalars.prefix(64).map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar)) ? Character(scalar) : "_"
        })
        return kept.allSatisfy { $0 == "." } ? kept.replacingOccurrences(of: ".", with: "_") : kept
    }
}
