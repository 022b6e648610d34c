import Foundation

/// Where studies live, as a storage URL names it (`--storage` on the command line):
/// - `memory:` — in this process only, gone when it ends;
/// - `sqlite:PATH` — a SQLite file, relative to the working directory or absolute
///   (`sqlite:///abs/path.sqlite` is accepted too: the `//` after the scheme is dropped);
/// - `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE` — a PostgreSQL database that runners
///   on many hosts share (`PostgresLocation`).
///
/// Parsing never touches the file system or the network; `MetaTuneStorages` opens the storage a
/// URL names (`StorageURL.open(readOnly:)`). `description` gives back a URL that parses to the
/// same value — less a PostgreSQL password, which is never printed.
public enum StorageURL: Hashable, Sendable, CustomStringConvertible {
    case memory
    case sqlite(path: String)
    case postgresql(PostgresLocation)

    /// The schemes understood, for messages.
    public static let forms = "sqlite:PATH, postgresql://USER@HOST/DATABASE or memory:"

    /// Parses `text`; a URL that names no file, holds a NUL character or has another scheme is
    /// refused with a one-line message that says what is expected.
    public init(_ text: String) throws {
        if text == "memory:" {
            self = .memory
            return
        }
        if text.hasPrefix("postgresql:") || text.hasPrefix("postgres:") {
            self = .postgresql(try PostgresLocation(text))
            return
        }
        guard text.hasPrefix("sqlite:") else {
            let shown = Self.printable(text)
            let hint = text.contains(":") ? "" : " (for a SQLite file write sqlite:\(shown))"
            throw StudyError.invalidArgument("unsupported storage URL '\(shown)': use \(Self.forms)\(hint)")
        }
        var path = String(text.dropFirst("sqlite:".count))
        if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
        guard !path.isEmpty else {
            throw StudyError.invalidArgument("storage URL '\(Self.printable(text))' names no file (use sqlite:PATH)")
        }
        guard !path.utf8.contains(0) else {
            throw StudyError.invalidArgument("storage URL '\(Self.printable(text))' holds a NUL character, which no file name can")
        }
        self = .sqlite(path: path)
    }

    /// The SQLite file a URL names, or nil for another kind of storage.
    public var sqlitePath: String? {
        if case .sqlite(let path) = self { return path }
        return nil
    }

    public var description: String {
        switch self {
        case .memory: return "memory:"
        case .sqlite(let path): return path.hasPrefix("//") ? "sqlite://" + path : "sqlite:" + path
        case .postgresql(let location): return location.description
        }
    }

    /// `text` with control characters shown escaped, so that a message stays on one line.
    private static func printable(_ text: String) -> String {
        String(text.unicodeScalars.flatMap { scalar -> [Character] in
            scalar.properties.generalCategory == .control ? Array(scalar.escaped(asASCII: true)) : [Character(scalar)]
        })
    }
}
