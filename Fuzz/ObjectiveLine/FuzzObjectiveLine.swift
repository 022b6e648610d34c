import FuzzSupport
import MetaTuneExternal

/// Any bytes as lines of a command's standard output: each classified, never a crash.
func fuzzObjectiveLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) { _ = ObjectiveLine(String(line)) }
    return 0
}

@main struct FuzzTarget {
    static func main() { fuzzMain(fuzzObjectiveLine) }
}
