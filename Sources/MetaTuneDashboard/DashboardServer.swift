import Foundation
import Hummingbird
import Logging
import MetaTune
import MetaTuneReport

/// The live dashboard: a read-only web server over a `Storage` — the study list, each study's
/// plots and trial table updating while runners write, trial details, comparison, CSV export, and
/// the JSON API under `/api` (docs/dashboard-openapi.yaml).
///
/// Safe by default: on loopback no token is needed; on any other address every request must carry
/// the token (`DashboardAccess`), or it gets 401. Only GET is answered (other methods get 405); no route reads
/// a file, so no path can reach outside the dashboard.
///
/// ```swift
/// let dashboard = try Dashboard(storage: storage, host: "127.0.0.1", port: 8080)
/// try await dashboard.run { url in print("dashboard: \(url)") }
/// ```
public struct Dashboard: Sendable {
    public let storage: Storage
    public let host: String
    public let port: Int
    public let access: DashboardAccess
    let cache: StudyCache

    /// A dashboard on `host:port` (port 0: any free port); `token` as `DashboardAccess` decides.
    public init(storage: Storage, host: String = "127.0.0.1", port: Int = 8080, token: String? = nil) throws {
        self.storage = storage
        self.host = host
        self.port = port
        access = try DashboardAccess(host: host, token: token)
        cache = StudyCache(storage: storage)
    }

    /// Serves until the task is cancelled (or the process gets SIGINT/SIGTERM); `onListening` gets
    /// the address once the server accepts connections.
    public func run(onListening: @escaping @Sendable (URL) -> Void = { _ in }) async throws {
        let router = Router()
        addRoutes(to: router)
        let host = self.host
        // The access rule wraps the whole router, so that it answers first even where the router
        // itself would refuse (unknown path, other method).
        let responder = AccessGuard(access: access, next: router.buildResponder())
        let app = Application(responder: responder, configuration: .init(address: .hostname(host, port: port), serverName: "MetaTune"),
                              onServerRunning: { channel in
                                  let bound = channel.localAddress?.port ?? 0
                                  let shown = host.contains(":") ? "[\(host)]" : host
                                  if let url = URL(string: "http://\(shown):\(bound)/") { onListening(url) }
                              }, logger: Self.quietLogger)
        try await app.runService()
    }

    private static var quietLogger: Logger {
        var logger = Logger(label: "metatune.dashboard")
        logger.logLevel = .warning
        return logger
    }

    private func addRoutes(to router: Router<BasicRequestContext>) {
        let cache = self.cache, storage = self.storage
        router.get("/") { _, _ in
            html(DashboardPages.studyList(try storage.allStudies().map { ($0, try storage.allTrials(studyID: $0.id)) }))
        }
        router.get("/studies/:name") { _, context in
            let name = try studyName(context)
            guard let (snapshot, _) = try await cache.snapshot(name), let drawn = try await cache.plots(name) else {
                return html(DashboardPages.notFound("no study named \(name)"), status: .notFound)
            }
            return html(DashboardPages.study(snapshot, plots: drawn.plots, importances: drawn.importances, revision: drawn.revision))
        }
        router.get("/studies/:name/trials/:number") { _, context in
            let name = try studyName(context)
            guard let number = context.parameters.get("number", as: Int.self), let (snapshot, _) = try await cache.snapshot(name),
                  let trial = snapshot.trials.first(where: { $0.number == number }) else {
                return html(DashboardPages.notFound("no such trial"), status: .notFound)
            }
            return html(DashboardPages.trial(trial, study: snapshot))
        }
        router.get("/studies/:name/export.csv") { _, context in
            let name = try studyName(context)
            guard let (snapshot, _) = try await cache.snapshot(name) else { return text("no study named \(name)\n", status: .notFound) }
            var response = text(TrialsTable(trials: snapshot.trials).csv(), type: "text/csv; charset=utf-8")
            response.headers[.contentDisposition] = "attachment; filename=\"study.csv\""
            return response
        }
        router.get("/compare") { request, _ in
            let names = (request.uri.queryParameters.get("studies") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            var snapshots: [StudySnapshot] = []
            for name in names.prefix(8) {
                guard let (snapshot, _) = try await cache.snapshot(name) else { return html(DashboardPages.notFound("no study named \(name)"), status: .notFound) }
                snapshots.append(snapshot)
            }
            return html(DashboardPages.compare(snapshots))
        }
        router.get("/api/studies") { _, _ in
            json(DashboardJSON.studies(try storage.allStudies().map { ($0, try storage.allTrials(studyID: $0.id)) }))
        }
        router.get("/api/studies/:name") { _, context in
            let name = try studyName(context)
            guard let (snapshot, revision) = try await cache.snapshot(name) else { return notFoundJSON(name) }
            return json(DashboardJSON.study(snapshot.record, trials: snapshot.trials, revision: revision))
        }
        router.get("/api/studies/:name/trials") { request, context in
            let name = try studyName(context)
            let after = request.uri.queryParameters.get("after").map { Int($0) } ?? 0
            guard let after, after >= 0 else { return json("{\"error\":\"after must be a revision, a whole number ≥ 0\"}", status: .badRequest) }
            guard let record = try storage.study(named: name) else { return notFoundJSON(name) }
            let changes = try storage.trials(studyID: record.id, changedAfter: after)
            return json(DashboardJSON.changes(changes.trials, revision: changes.revision))
        }
        router.get("/api/studies/:name/importance") { request, context in
            let name = try studyName(context)
            let method = request.uri.queryParameters.get("method").map { ImportanceMethod(rawValue: $0) } ?? .pedANOVA
            guard let method else { return json("{\"error\":\"method must be ped-anova or fanova\"}", status: .badRequest) }
            guard let (snapshot, _) = try await cache.snapshot(name) else { return notFoundJSON(name) }
            if method == .pedANOVA, let drawn = try await cache.plots(name), let importances = drawn.importances {
                return json(DashboardJSON.importance(importances))
            }
            do {
                return json(DashboardJSON.importance(try ParameterImportanceEvaluator(method: method).evaluate(snapshot.trials, direction: snapshot.direction)))
            } catch let error as ImportanceError {
                return json("{\"error\":\(jsonString(error.description))}", status: .unprocessableContent)
            }
        }
        router.get("/api/studies/:name/plots") { _, context in
            let name = try studyName(context)
            guard let drawn = try await cache.plots(name) else { return notFoundJSON(name) }
            return json(DashboardJSON.plots(drawn.plots, revision: drawn.revision))
        }
        router.get("/api/studies/:name/plots/:file") { _, context in
            let name = try studyName(context), file = try context.parameters.require("file")
            guard file.hasSuffix(".svg"), let drawn = try await cache.plots(name),
                  let plot = drawn.plots.first(where: { $0.id + ".svg" == file }) else { return text("no such plot\n", status: .notFound) }
            return text(plot.svg, type: "image/svg+xml")
        }
    }
}

/// Refuses every request without the token when one is set, and every method but GET; a page
/// opened with `?token=T` gets a cookie, so that its own requests carry it.
struct AccessGuard<Next: HTTPResponder>: HTTPResponder {
    let access: DashboardAccess
    let next: Next

    func respond(to request: Request, context: Next.Context) async throws -> Response {
        let bearer = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        let query = request.uri.queryParameters.get("token")
        let cookie = request.cookies[DashboardAccess.cookieName]?.value
        guard access.allows(bearer: bearer, query: query, cookie: cookie) else {
            var response = text("401: this dashboard needs its token (Authorization: Bearer TOKEN, or ?token=TOKEN)\n", status: .unauthorized)
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        guard request.method == .get else {
            var response = text("the dashboard is read-only\n", status: .methodNotAllowed)
            response.headers[.allow] = "GET"
            return response
        }
        var response = try await next.respond(to: request, context: context)
        if let query, access.token != nil {
            response.setCookie(Cookie(name: DashboardAccess.cookieName, value: query, path: "/", httpOnly: true, sameSite: .strict))
        }
        response.headers[.cacheControl] = "no-store"
        if let nosniff = HTTPFields.Element.Name("X-Content-Type-Options") { response.headers[nosniff] = "nosniff" }
        return response
    }
}

/// The study name of a route, percent-decoded ("my%20study" is the study "my study").
func studyName(_ context: some RequestContext) throws -> String {
    let raw = try context.parameters.require("name")
    return raw.removingPercentEncoding ?? raw
}

func html(_ body: String, status: HTTPResponse.Status = .ok) -> Response { text(body, type: "text/html; charset=utf-8", status: status) }
func json(_ body: String, status: HTTPResponse.Status = .ok) -> Response { text(body, type: "application/json", status: status) }
func notFoundJSON(_ name: String) -> Response { json("{\"error\":\(jsonString("no study named \(name)"))}", status: .notFound) }

func text(_ body: String, type: String = "text/plain; charset=utf-8", status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: body)))
}
