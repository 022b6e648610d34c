import Foundation

extension Dataset {
    /// The bytes of the file at `path`, read through a file handle (`FileManager.contents(atPath:)`
    /// leaked its buffer on an empty file: LeakSanitizer, found by fuzz-idx and fuzz-csv).
    static func contents(of path: String) throws -> Data {
        if path.hasSuffix(".gz") { return try gunzipped(path) }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw DatasetError("\(path): no such file") }
        defer { try? handle.close() }
        do {
            return try handle.readToEnd() ?? Data()
        } catch {
            throw DatasetError("\(path): cannot be read (\(error.localizedDescription))")
        }
    }

    /// The decompressed bytes of a gzip file, through `gzip -dc` (nothing is written to disk).
    private static func gunzipped(_ path: String) throws -> Data {
        guard FileManager.default.isReadableFile(atPath: path) else { throw DatasetError("\(path): no such file") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec gzip -dc -- \"$0\"", path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw DatasetError("\(path): gzip could not be started (\(error.localizedDescription))") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DatasetError("\(path): cannot be decompressed (\(message.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        return data
    }
}
