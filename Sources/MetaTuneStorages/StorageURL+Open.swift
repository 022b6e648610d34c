import MetaTune
import MetaTunePostgres
import MetaTuneSQLite

extension StorageURL {
    /// Opens the storage this URL names: a new in-memory storage, the SQLite file (created with
    /// its folder's permissions unless `readOnly`; read-only opens create and write nothing, and
    /// refuse a file that does not exist), or the PostgreSQL database (its schema created or
    /// upgraded unless `readOnly`).
    public func open(readOnly: Bool = false) throws -> Storage {
        switch self {
        case .memory: return InMemoryStorage()
        case .sqlite(let path): return try SQLiteStorage(path: path, readOnly: readOnly)
        case .postgresql(let location): return try PostgresStorage(location: location, readOnly: readOnly)
        }
    }

    /// Parses `text` and opens the storage it names.
    public static func open(_ text: String, readOnly: Bool = false) throws -> Storage {
        try StorageURL(text).open(readOnly: readOnly)
    }
}
