import MetaTune

extension StorageURL {
    /// Opens the storage this URL names: a new in-memory storage, or the SQLite file (created
    /// with its folder's permissions unless `readOnly`; read-only opens create and write nothing,
    /// and refuse a file that does not exist).
    public func open(readOnly: Bool = false) throws -> Storage {
        switch self {
        case .memory: return InMemoryStorage()
        case .sqlite(let path): return try SQLiteStorage(path: path, readOnly: readOnly)
        }
    }

    /// Parses `text` and opens the storage it names.
    public static func open(_ text: String, readOnly: Bool = false) throws -> Storage {
        try StorageURL(text).open(readOnly: readOnly)
    }
}
