import Foundation

/// One execution of a fuzz target: the input's bytes and their count; returns 0.
public typealias FuzzBody = @convention(c) (UnsafePointer<UInt8>, Int) -> CInt

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                             _ body: FuzzBody) -> CInt
#endif

/// A fuzz target's entry point. Built with `-sanitize=fuzzer,address -D FUZZING` (`make fuzz`),
/// libFuzzer drives `body` with its options from the command line; built plainly, `body` runs
/// over the files named on the command line (a crasher libFuzzer saved, or a corpus), which
/// reproduces a finding.
public func fuzzMain(_ body: FuzzBody) -> Never {
    #if FUZZING
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(runFuzzerDriver(&argc, &argv, body))
    #else
    runOnFiles(body)
    exit(0)
    #endif
}

private func runOnFiles(_ body: FuzzBody) {
    for path in CommandLine.arguments.dropFirst() {
        guard let data = FileManager.default.contents(atPath: path) else {
            FileHandle.standardError.write(Data("cannot read \(path)\n".utf8))
            exit(1)
        }
        var bytes = [UInt8](data)
        bytes.append(0)  // a valid pointer even for an empty input
        _ = bytes.withUnsafeBufferPointer { body($0.baseAddress!, data.count) }
        print("ran \(path) (\(data.count) bytes)")
    }
}

/// Writes `size` bytes at `data` to a scratch file of this process (for loaders that read
/// files) and returns its path.
public func scratchFile(_ data: UnsafePointer<UInt8>, _ size: Int, suffix: String) -> String {
    let path = NSTemporaryDirectory() + "/metatune-fuzz-\(getpid())\(suffix)"
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size))
    return path
}
