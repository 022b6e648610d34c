import FuzzSupport
import MetaTune

/// Any bytes as a storage URL: parsed or refused with a one-line message, never a crash; a URL
/// that parses prints back as one that parses to the same storage.
func fuzzStorageURL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let url = try StorageURL(text)
        guard let again = try? StorageURL(url.description), again == url else {
            fatalError("'\(url.description)' (parsed from '\(text)') does not parse back to the same storage")
        }
    } catch {
        if "\(error)".contains("\n") { fatalError("a message over several lines for '\(text)': \(error)") }
    }
    return 0
}

@main struct FuzzTarget {
    static func main() { fuzzMain(fuzzStorageURL) }
}
