import Foundation
import TestSupport
import XCTest

/// The base of every CLI test class: a fresh temporary working folder per test, the built
/// `metatune` binary run in it (`cli`), and helpers for the folder's files. Subclasses that need
/// fixtures override `setUpWithError`, call `super` first, then write them.
class CLITestCase: XCTestCase {
    private(set) var temporary: TemporaryDirectory!
    private(set) var cli: CLI!
    var directory: URL { temporary.url }

    override func setUpWithError() throws {
        try super.setUpWithError()
        temporary = try TemporaryDirectory("metatune-" + String(describing: type(of: self)))
        cli = CLI(workingDirectory: temporary.url)
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: CLI.binary.path), "build metatune first: \(CLI.binary.path)")
    }

    override func tearDownWithError() throws {
        cli = nil
        temporary = nil
        try super.tearDownWithError()
    }

    /// Writes `text` to the file `name` of the working folder.
    func write(_ name: String, _ text: String) throws { try temporary.write(name, text) }

    /// The path of the file `name` of the working folder.
    func path(_ name: String) -> String { temporary.path(name) }
}
