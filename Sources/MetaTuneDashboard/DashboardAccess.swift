import Foundation

/// Who may read the dashboard: anyone on loopback when no token is set; otherwise only requests
/// that carry the token (header `Authorization: Bearer T`, query `?token=T`, or the cookie the
/// dashboard sets when a page is opened with the query). Binding to any address but loopback
/// requires a token.
public struct DashboardAccess: Sendable, Equatable {
    /// The token every request must carry, or nil when none is needed.
    public let token: String?
    /// Whether the token was generated here (the caller prints it once).
    public let generated: Bool

    /// Why a dashboard refuses to start.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case tokenTooShort
        public var description: String { "a dashboard token must be at least 16 characters" }
    }

    /// The access rule for a dashboard bound to `host`: the given token, a generated one when the
    /// host is not loopback, or none.
    public init(host: String, token: String?) throws {
        if let token {
            guard token.count >= 16 else { throw Refusal.tokenTooShort }
            self.token = token
            generated = false
        } else if Self.isLoopback(host) {
            self.token = nil
            generated = false
        } else {
            var generator = SystemRandomNumberGenerator()
            self.token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
            generated = true
        }
    }

    /// Whether `host` only accepts connections from this machine.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// The name of the cookie that carries the token for a browser.
    static let cookieName = "metatune_token"

    /// Whether a request with these credentials may read.
    func allows(bearer: String?, query: String?, cookie: String?) -> Bool {
        guard let token else { return true }
        return [bearer, query, cookie].contains { $0.map { Self.constantTimeEqual($0, token) } ?? false }
    }

    /// Compares without stopping at the first difference, so timing does not reveal the token.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for index in 0..<max(x.count, y.count) {
            difference |= (index < x.count ? x[index] : 0) ^ (index < y.count ? y[index] : 0)
        }
        return difference == 0
    }
}
