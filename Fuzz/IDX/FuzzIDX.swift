import FuzzSupport
import Neural

/// Any bytes as a pair of IDX files (images, then labels: the first byte says where the split
/// is): loaded or refused with an error, never a crash.
func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let split = min(Int(data[0]) * max(size / 256, 1), size - 1)
    let images = scratchFile(data + 1, split, suffix: "-images.idx")
    let labels = scratchFile(data + 1 + split, size - 1 - split, suffix: "-labels.idx")
    _ = try? Dataset.loadIDX(images: images, labels: labels)
    return 0
}

@main struct FuzzTarget {
    static func main() { fuzzMain(fuzzIDX) }
}
