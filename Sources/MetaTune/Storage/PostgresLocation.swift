import Foundation

/// A PostgreSQL database as a storage URL names it:
/// `postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?OPTION=VALUE&…]` (`postgres://` too).
///
/// The password may instead come from the `PGPASSWORD` environment variable when the storage is
/// opened; it is never printed: `description` leaves it out. User, password and database are
/// percent-decoded; an IPv6 host is written in brackets. Options:
/// - `pool` — connections this process keeps at most (1–100; default 4);
/// - `connect_timeout` — seconds to wait for a connection (default 10);
/// - `timeout` — seconds a single statement may take before its connection is dropped and the
///   operation retried (default 30);
/// - `retry` — seconds to keep retrying an operation through a dropped connection or a server
///   restart before failing it (default 120).
///
/// Parsing never connects; `MetaTunePostgres` opens the storage.
public struct PostgresLocation: Hashable, Sendable, CustomStringConvertible {
    public var user: String
    /// The password the URL gave, if any.
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    /// Connections kept open at most by one process.
    public var poolSize: Int
    public var connectTimeout: Double
    public var statementTimeout: Double
    public var retryWindow: Double

    /// The options a URL may set, for messages.
    public static let optionNames = ["pool", "connect_timeout", "timeout", "retry"]

    /// Parses a `postgresql://` or `postgres://` URL; anything else, or a malformed part, is
    /// refused with a one-line message (which never contains the password).
    public init(_ text: String) throws {
        let scheme = ["postgresql://", "postgres://"].first { text.hasPrefix($0) }
        guard let scheme else { throw Self.refuse("it must start with postgresql://") }
        var rest = Substring(text.dropFirst(scheme.count))
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw Self.refuse("it names no database (…@HOST/DATABASE)") }
        let authority = rest[..<slash]
        let databasePart = rest[rest.index(after: slash)...]
        guard let at = authority.lastIndex(of: "@") else { throw Self.refuse("it names no user (USER@HOST)") }
        let userInfo = authority[..<at]
        let hostPort = authority[authority.index(after: at)...]
        if let colon = userInfo.firstIndex(of: ":") {
            user = try Self.decode(userInfo[..<colon], "user")
            password = try Self.decode(userInfo[userInfo.index(after: colon)...], "password")
        } else {
            user = try Self.decode(userInfo, "user")
            password = nil
        }
        guard !user.isEmpty else { throw Self.refuse("it names no user (USER@HOST)") }
        (host, port) = try Self.hostAndPort(hostPort)
        database = try Self.decode(databasePart, "database")
        guard !database.isEmpty else { throw Self.refuse("it names no database (…@HOST/DATABASE)") }
        poolSize = 4
        connectTimeout = 10
        statementTimeout = 30
        retryWindow = 120
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]), value = parts.count > 1 ? String(parts[1]) : ""
            switch name {
            case "pool":
                guard let size = Int(value), (1...100).contains(size) else { throw Self.refuse("pool must be a whole number from 1 to 100") }
                poolSize = size
            case "connect_timeout": connectTimeout = try Self.seconds(value, name)
            case "timeout": statementTimeout = try Self.seconds(value, name)
            case "retry": retryWindow = try Self.seconds(value, name, allowZero: true)
            default:
                throw Self.refuse("unknown option '\(Self.printable(name))' (known: \(Self.optionNames.joined(separator: ", ")))")
            }
        }
    }

    /// The URL without its password, with every option that differs from the default.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        var text = "postgresql://\(Self.encode(user))@\(shownHost):\(port)/\(Self.encode(database))"
        var options: [String] = []
        if poolSize != 4 { options.append("pool=\(poolSize)") }
        if connectTimeout != 10 { options.append("connect_timeout=\(Self.format(connectTimeout))") }
        if statementTimeout != 30 { options.append("timeout=\(Self.format(statementTimeout))") }
        if retryWindow != 120 { options.append("retry=\(Self.format(retryWindow))") }
        if !options.isEmpty { text += "?" + options.joined(separator: "&") }
        return text
    }

    /// The password to connect with: the URL's, else `PGPASSWORD`'s, else none.
    public func resolvedPassword(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        password ?? environment["PGPASSWORD"]
    }

    private static func hostAndPort(_ text: Substring) throws -> (String, Int) {
        var host: Substring, portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw refuse("an IPv6 host needs its closing ]") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { throw refuse("unexpected text after the host") }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        } else {
            host = text
        }
        guard !host.isEmpty else { throw refuse("it names no host") }
        guard host.allSatisfy({ $0.isLetter || $0.isNumber || "-._:".contains($0) }), host.allSatisfy(\.isASCII) else {
            throw refuse("the host '\(printable(String(host)))' is not a host name or address")
        }
        guard let portText else { return (String(host), 5432) }
        guard let port = Int(portText), (1...65_535).contains(port) else { throw refuse("the port must be a number from 1 to 65535") }
        return (String(host), port)
    }

    private static func seconds(_ value: String, _ name: String, allowZero: Bool = false) throws -> Double {
        guard let seconds = Double(value), seconds.isFinite, allowZero ? seconds >= 0 : seconds > 0, seconds <= 86_400 else {
            throw refuse("\(name) must be a number of seconds\(allowZero ? "" : " above 0") up to 86400")
        }
        return seconds
    }

    private static func decode(_ part: Substring, _ what: String) throws -> String {
        guard let decoded = String(part).removingPercentEncoding, !decoded.utf8.contains(0) else {
            throw refuse("the \(what) is not valid percent-encoding")
        }
        return decoded
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e9 ? String(Int(seconds)) : String(seconds)
    }

    private static func refuse(_ why: String) -> StudyError {
        StudyError.invalidArgument("unsupported PostgreSQL URL: \(why) (postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE)")
    }

    private static func printable(_ text: String) -> String {
        String(text.unicodeScalars.flatMap { scalar -> [Character] in
            scalar.properties.generalCategory == .control ? Array(scalar.escaped(asASCII: true)) : [Character(scalar)]
        })
    }
}
