import Foundation
import XCTest

/// The report and the dashboard as a person sees them: opened in headless Chromium by
/// scripts/browser-check.py, they render with no console error, every plot has content, the
/// report makes no request, the table sorts, and the dashboard shows a trial added after it loaded.
/// `make test` installs Chromium and sets METATUNE_REQUIRE_BROWSER, so there these tests never skip.
final class BrowserTests: CLITestCase {
    private static let checker = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/browser-check.py").path

    override func setUpWithError() throws {
        try super.setUpWithError()
        let found = ProcessInfo.processInfo.environment["PATH", default: ""].split(separator: ":")
            .contains { FileManager.default.isExecutableFile(atPath: "\($0)/chromium") }
        if !found {
            XCTAssertNil(ProcessInfo.processInfo.environment["METATUNE_REQUIRE_BROWSER"], "chromium is missing: run scripts/install-browser.sh")
            throw XCTSkip("chromium is not installed (scripts/install-browser.sh)")
        }
        try write("space.yaml", "x: {type: float, low: 0, high: 1}\nlr: {type: float, low: 0.0001, high: 1, log: true}\nact: {type: categorical, choices: [relu, '<b>tanh</b>']}\n")
        let run = try cli.run(["run", "--study", "s", "--space", "space.yaml", "--trials", "30", "--sampler", "random", "--quiet", "--",
                               "awk", "BEGIN { print 10 * {x} + {lr} }"])
        XCTAssertEqual(run.status, 0, run.stderr)
    }

    /// Runs the checker; returns its JSON result.
    private func check(_ arguments: [String]) throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.checker] + arguments + ["--json"]
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let collector = OutputCollector(out: out, err: err)
        process.waitUntilExit()
        let (stdout, stderr) = collector.finish()
        let result = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any], stderr)
        XCTAssertEqual(process.terminationStatus, 0, "\(arguments): \(stderr)")
        XCTAssertEqual((result["console_errors"] as? [Any])?.count, 0, "\(result)")
        return result
    }

    func testTheReportRendersEveryPlotAndSortsItsTableWithoutAnyRequest() throws {
        XCTAssertEqual(try cli.run(["report", "s", "--output", "r.html"]).status, 0)
        let page = directory.appendingPathComponent("r.html").absoluteString
        let result = try check([page,
                                "--wait-for", "document.querySelectorAll('table.trials tbody tr').length === 30",
                                "--expect", "document.querySelectorAll('section.plot').length >= 8",
                                "--expect", "Array.prototype.every.call(document.querySelectorAll('section.plot svg'), s => s.getBBox().width > 0 && s.querySelectorAll('circle,rect,polyline,line').length > 3)",
                                "--expect", "document.querySelector('table.trials thead th:nth-child(3)').click() || true",
                                "--expect", "(r => r.every((v, i) => i === 0 || v >= r[i - 1]))(Array.from(document.querySelectorAll('table.trials tbody tr td:nth-child(3)')).map(td => parseFloat(td.textContent)))",
                                "--expect", "document.body.innerHTML.indexOf('<b>tanh</b>') < 0"])
        XCTAssertEqual(result["requests"] as? [String], [page], "a self-contained report requests nothing but itself")
    }

    func testTheDashboardShowsATrialAddedAfterThePageLoaded() throws {
        let (server, out, _) = try cli.start(["dashboard", "--port", "0"])
        defer { server.terminate(); server.waitUntilExit() }
        let firstLine = out.fileHandleForReading.availableData
        let url = try XCTUnwrap(String(decoding: firstLine, as: UTF8.self).split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        XCTAssertTrue(url.hasPrefix("http://127.0.0.1:"), url)
        let add = "\(CLI.binary.path) run --study s --space space.yaml --trials 31 --sampler random --quiet -- awk 'BEGIN { print 10 * {x} + {lr} }' >/dev/null"
        let result = try check([url + "studies/s",
                                "--wait-for", "document.querySelectorAll('section.plot svg').length >= 8",
                                "--expect", "document.getElementById('row-count').textContent.indexOf('of 30 trials') > 0",
                                "--then-run", add,
                                "--then-wait-for", "document.getElementById('row-count').textContent.indexOf('of 31 trials') > 0 && document.querySelector('#plot-history svg').innerHTML.indexOf('trial 30:') >= 0"])
        XCTAssertNotNil(result["then_ms"] as? Int)
        XCTAssertTrue(try check([url, "--expect", "document.querySelector('#studies a').textContent === 's'"])["ok"] as? Bool ?? false)
    }
}
