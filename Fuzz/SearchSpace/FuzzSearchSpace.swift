import FuzzSupport
import MetaTune

/// Any bytes as a search-space file: parsed or refused with an error, never a crash.
func fuzzSearchSpace(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let space = try? SearchSpaceFile.parse(text) {
        for spec in space.parameters { _ = spec.distribution.externalValue(spec.distribution.internalValue(fromUnit: 0.5)) }
    }
    return 0
}

@main struct FuzzTarget {
    static func main() { fuzzMain(fuzzSearchSpace) }
}
