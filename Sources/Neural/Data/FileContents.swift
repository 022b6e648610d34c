import Foundation

extension Dataset {
    /// The bytes of the file at `path`, read through a file handle (`FileManager.contents(atPath:)`
    /// leaked its buffer on an empty file: LeakSanitizer, found by fuzz-idx and fuzz-csv).
    static func contents(of path: String) throws -> Data {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DatasetError("\(path): no such file") }
        defer { try? handle.close() }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw DatasetError("\(path): cannot be read (\(error.localizedDescription))")
        }
    }
}
