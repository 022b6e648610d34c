import ArgumentParser
import Foundation
import MetaTune
import MetaTuneStorages
import MetaTuneDashboard

/// `metatune dashboard`: the live, read-only web dashboard over a storage.
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Serve a live, read-only dashboard of the studies in a storage.",
        discussion: """
        Pages: the study list; each study's plots and trial table, updated while runners write; trial \
        details; /compare?studies=a,b; CSV export. The JSON API under /api is described in \
        docs/dashboard-openapi.yaml. On loopback (the default) no token is needed; binding any other \
        address needs one: --token, or one is generated and printed once. Requests without it get 401. \
        Stops on Ctrl-C.
        """
    )

    @OptionGroup var storage: StorageOption
    @Option(help: "The address to listen on (loopback by default).") var host = "127.0.0.1"
    @Option(parsing: .unconditional, help: "The port (0: any free port; the address is printed).") var port = 8080
    @Option(help: "A token every request must carry (at least 16 characters).") var token: String?

    func validate() throws {
        guard (0...65_535).contains(port) else { throw UsageError("--port must be 0…65535, got \(port)") }
    }

    func run() throws {
        do {
            // Opened as runners open it (a read-only open of an idle SQLite file takes a frozen
            // snapshot and would never see their writes); the dashboard changes nothing in it.
            let url = try storage.url
            if let path = url.sqlitePath, !FileManager.default.fileExists(atPath: path) {
                throw StorageError.backend("no storage at '\(path)' (the file does not exist)")
            }
            let dashboard = try Dashboard(storage: try url.open(), host: host, port: port, token: token)
            let generated = dashboard.access.generated ? dashboard.access.token : nil
            let failure = DashboardFailure()
            let done = DispatchSemaphore(value: 0)
            Task {
                do {
                    try await dashboard.run { url in
                        print("dashboard: \(url)" + (generated.map { "?token=\($0)" } ?? ""))
                        if let generated { print("token (generated, shown once): \(generated)") }
                        fflush(nil)
                    }
                } catch {
                    failure.error = error
                }
                done.signal()
            }
            done.wait()
            if let error = failure.error { throw error }
        } catch let refusal as DashboardAccess.Refusal {
            usageError(refusal.description)
        } catch {
            failClearly(error)
        }
    }
}

/// The error the server task ended with, handed to the waiting command.
private final class DashboardFailure: @unchecked Sendable {
    var error: Error?
}
