import FuzzSupport
import MetaTune

/// Any bytes as a storage URL: parsed or refused with a one-line message, never a crash; a URL
/// that parses prints back as one that parses to the same storage (less a PostgreSQL password,
/// which is never printed — nor is it in any message).
func fuzzStorageURL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        let url = try StorageURL(text)
        var expected = url
        if case .postgresql(var location) = url, let password = location.password {
            guard !url.description.contains(password) || password.count < 3 else { fatalError("the password of '\(text)' is printed") }
            location.password = nil
            expected = .postgresql(location)
        }
        guard let again = try? StorageURL(url.description), again == expected else {
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
