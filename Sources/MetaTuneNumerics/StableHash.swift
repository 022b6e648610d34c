/// A hash that is the same in every process and on every platform (FNV-1a, 64 bit).
///
/// Swift's `Hasher` is randomly seeded per process, so it cannot derive reproducible
/// random streams from names; this can.
public func stableHash(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01B3
    }
    return hash
}
