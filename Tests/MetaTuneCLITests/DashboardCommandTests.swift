import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// `metatune dashboard` over HTTP: safe by default (a token on any address but loopback, 401
/// without it on every route), read-only, never serving a file, and study names of any spelling.
final class DashboardCommandTests: CLITestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        try write("space.yaml", "x: {type: float, low: 0, high: 1}\n")
        for study in ["s", "my study é"] {
            let run = try cli.run(["run", "--study", study, "--space", "space.yaml", "--trials", "5", "--quiet", "--", "awk", "BEGIN { print {x} }"])
            XCTAssertEqual(run.status, 0, run.stderr)
        }
    }

    /// Starts a dashboard; returns it and the lines it printed first (its address, maybe a token).
    private func startDashboard(_ arguments: [String]) throws -> (Process, [String]) {
        let (server, out, _) = try cli.start(["dashboard", "--port", "0"] + arguments)
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while !text.contains("dashboard: "), Date() < deadline {
            text += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        if arguments.contains("0.0.0.0") {
            while !text.contains("token (generated"), Date() < deadline { text += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self) }
        }
        return (server, text.split(separator: "\n").map(String.init))
    }

    private func get(_ url: String, method: String = "GET", bearer: String? = nil) throws -> (status: Int, body: String) {
        var request = URLRequest(url: try XCTUnwrap(URL(string: url)))
        request.httpMethod = method
        if let bearer { request.setValue("Bearer " + bearer, forHTTPHeaderField: "Authorization") }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: (Int, String) = (0, "")
        URLSession.shared.dataTask(with: request) { data, response, _ in
            result = ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data ?? Data(), as: UTF8.self))
            done.signal()
        }.resume()
        done.wait()
        return result
    }

    func testOnAnyOtherAddressThanLoopbackEveryRouteNeedsTheGeneratedToken() throws {
        let (server, lines) = try startDashboard(["--host", "0.0.0.0"])
        defer { server.terminate(); server.waitUntilExit() }
        let address = try XCTUnwrap(lines.first { $0.hasPrefix("dashboard: ") })
        let token = try XCTUnwrap(lines.first { $0.hasPrefix("token (generated") }?.split(separator: " ").last.map(String.init))
        XCTAssertGreaterThanOrEqual(token.count, 32)
        let port = try XCTUnwrap(address.split(separator: ":").last?.split(separator: "/").first)
        let base = "http://127.0.0.1:\(port)"
        for path in ["/", "/api/studies", "/studies/s", "/api/studies/s/trials?after=0", "/api/studies/s/plots/history.svg", "/nope", "/studies/s/export.csv"] {
            XCTAssertEqual(try get(base + path).status, 401, path)
            XCTAssertEqual(try get(base + path, bearer: "wrong-token-of-some-length").status, 401, path)
        }
        XCTAssertEqual(try get(base + "/api/studies", method: "DELETE").status, 401, "without the token, not even a refusal says more")
        XCTAssertEqual(try get(base + "/api/studies", bearer: token).status, 200)
        // (This sets the token's cookie in the shared session: requests after it carry the token.)
        XCTAssertEqual(try get(base + "/api/studies?token=" + token).status, 200)
    }

    func testOnLoopbackItIsReadOnlyServesNoFileAndFindsAnyStudyName() throws {
        let (server, lines) = try startDashboard([])
        defer { server.terminate(); server.waitUntilExit() }
        let base = try XCTUnwrap(lines.first { $0.hasPrefix("dashboard: ") }?.dropFirst("dashboard: ".count)).dropLast()
        XCTAssertEqual(try get(base + "/api/studies").status, 200)
        XCTAssertEqual(try get(base + "/api/studies/s", method: "DELETE").status, 405)
        XCTAssertEqual(try get(base + "/api/studies/s", method: "POST").status, 405)
        for path in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/studies/..%2f..%2fetc%2fpasswd", "/studies/s/../../../etc/hostname"] {
            let response = try get(base + path)
            XCTAssertFalse(response.body.contains("root:"), path)
            XCTAssertNotEqual(response.status, 500, path)
        }
        let named = try get(base + "/api/studies/my%20study%20%C3%A9")
        XCTAssertEqual(named.status, 200, named.body)
        XCTAssertTrue(named.body.contains("\"name\":\"my study é\""), named.body)
        XCTAssertEqual(try get(base + "/studies/my%20study%20%C3%A9").status, 200)
        let trials = try get(base + "/api/studies/s/trials?after=0")
        XCTAssertTrue(trials.body.hasPrefix("{\"revision\":"), trials.body)
        XCTAssertEqual(try get(base + "/api/studies/s/trials?after=-1").status, 400)
        XCTAssertEqual(try get(base + "/api/studies/none").status, 404)
    }

    func testADashboardNeverCreatesAStorage() throws {
        let result = try cli.run(["dashboard", "--storage", "sqlite:missing.sqlite", "--port", "0"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("does not exist"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("missing.sqlite")))
        XCTAssertEqual(try cli.run(["dashboard", "--token", "short"]).status, 1)
    }
}
