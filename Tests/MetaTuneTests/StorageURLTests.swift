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
            ("memory", "use sqlite:PATH, postgresql://USER@HOST/DATABASE or memory:"),
            ("postgresql://u@h", "names no database"),
            ("postgresql://h/db", "names no user"),
            ("postgresql://u:secret@h:99999/db", "port must be a number"),
            ("postgresql://u:secret@h/db?pool=0", "pool must be a whole number"),
            ("postgresql://u:secret@h/db?sslmode=require", "unknown option 'sslmode'"),
            ("postgresql://u:secret@bad host/db", "is not a host name"),
            ("sqlite:a\u{0}b", "NUL character"),
            ("line\nbreak:x", "unsupported storage URL 'line\\nbreak:x'"),
            // fuzz-storage-url's find: the hint for a bare path repeated it unescaped, over two lines.
            ("two\nlines", "for a SQLite file write sqlite:two\\nlines"),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try StorageURL(text), text) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(text): \(error)")
                XCTAssertFalse("\(error)".contains("\n"), "\(text): \(error)")
                XCTAssertFalse("\(error)".contains("secret"), "\(text): \(error)")
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

    func testPostgreSQLURLsAreParsedAndPrintedWithoutTheirPassword() throws {
        let url = try StorageURL("postgresql://meta%40tune:p%40ss%3Aw@db.example:6543/studies?pool=8&timeout=5&retry=0")
        guard case .postgresql(let location) = url else { return XCTFail("\(url)") }
        XCTAssertEqual(location.user, "meta@tune")
        XCTAssertEqual(location.password, "p@ss:w")
        XCTAssertEqual(location.host, "db.example")
        XCTAssertEqual(location.port, 6543)
        XCTAssertEqual(location.database, "studies")
        XCTAssertEqual(location.poolSize, 8)
        XCTAssertEqual(location.statementTimeout, 5)
        XCTAssertEqual(location.retryWindow, 0)
        XCTAssertEqual(url.description, "postgresql://meta%40tune@db.example:6543/studies?pool=8&timeout=5&retry=0")
        XCTAssertFalse(url.description.contains("p@ss"))
        var withoutPassword = location
        withoutPassword.password = nil
        XCTAssertEqual(try StorageURL(url.description), .postgresql(withoutPassword))
        // Defaults, IPv6, postgres://, and the password from the environment.
        let short = try PostgresLocation("postgres://u@[::1]/d")
        XCTAssertEqual(short.host, "::1")
        XCTAssertEqual(short.port, 5432)
        XCTAssertEqual(short.description, "postgresql://u@[::1]:5432/d")
        XCTAssertEqual(short.resolvedPassword(environment: ["PGPASSWORD": "env"]), "env")
        XCTAssertEqual(location.resolvedPassword(environment: ["PGPASSWORD": "env"]), "p@ss:w")
    }
}
