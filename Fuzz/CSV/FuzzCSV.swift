import FuzzSupport
import Neural

/// Any bytes as a CSV data set: loaded or refused with an error, never a crash.
func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = scratchFile(data, size, suffix: ".csv")
    _ = try? Dataset.loadCSV(path: path)
    _ = try? Dataset.loadRegressionCSV(path: path, targetColumn: "y")
    return 0
}

@main struct FuzzTarget {
    static func main() { fuzzMain(fuzzCSV) }
}
