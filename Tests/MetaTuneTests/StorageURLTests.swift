import XCTest
@testable import MetaTune

final class StorageURLTests: XCTestCase {
    func testTheFormsAUserWrites() throws {
        XCTAssertEqual(try StorageURL("memory:"), .memory)
        XCTAssertEqual(try StorageURL("sqlite:metatune.sqlite"), .sqlite(path: "metatune.sqlite"))
        XCTAssertEqual(try StorageURL("sqlite:runs/a b.sqlite"), .sqlite(path: "runs/a b.sqlite"))
        XCTAssertEqual(try StorageURL("sqlite:///srv/studies/s.sqlite"), .sqlite(path: "/srv/studies/s.sqlite"))
        XCTAssertEqual(try StorageURL("sqlite:/srv/studies/s.sqlite"), .sqlite(path: "/srv/studies/s.sqlite"))
        XCTAssertEqual(try StorageURL("sqlite:metatune.sqlite").sqlitePath, "metatune.sqlite")
        XCTAssertNil(StorageURL.memory.sqlitePath)
    }

    func testBadURLsAreRefusedWithOneLineSayingWhatIsExpected() {
        let cases: [(String, String)] = [
            ("sqlite:", "names no file"),
            ("sqlite://", "names no file"),
            ("studies.sqlite", "for a SQLite file write sqlite:studies.sqlite"),
            ("postgresql://u@h/db", "use sqlite:PATH or memory:"),
            ("memory", "use sqlite:PATH or memory:"),
            ("sqlite:a\u{0}b", "NUL character"),
            ("line\nbreak:x", "unsupported storage URL 'line\\nbreak:x'"),
            // fuzz-storage-url's find: the hint for a bare path repeated it unescaped, over two lines.
            ("two\nlines", "for a SQLite file write sqlite:two\\nlines"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try StorageURL(text), text) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(text): \(error)")
                XCTAssertFalse("\(error)".contains("\n"), "\(text): \(error)")
            }
        }
    }

    func testEveryURLPrintsAsOneThatParsesToTheSameStorage() throws {
        for path in ["a.sqlite", "/abs/a.sqlite", "//net/a.sqlite", "///x", "./memory:", "dir/"] {
            let url = StorageURL.sqlite(path: path)
            XCTAssertEqual(try StorageURL(url.description), url, url.description)
        }
        XCTAssertEqual(try StorageURL(StorageURL.memory.description), .memory)
    }
}
