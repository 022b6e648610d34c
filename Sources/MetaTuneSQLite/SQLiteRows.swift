import Foundation
import GRDB
import MetaTune

/// JSON columns and the mapping between rows and MetaTune's records.
enum SQLiteRows {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T {
        try JSONDecoder().decode(type, from: Data((text ?? "{}").utf8))
    }

    /// Attributes: most rows hold none, which needs no decoder.
    static func attributes(_ text: String?) throws -> [String: JSONValue] {
        guard let text, text != "{}" else { return [:] }
        return try decode([String: JSONValue].self, text)
    }

    static func date(_ value: Double?) -> Date? {
        value.map(Date.init(timeIntervalSince1970:))
    }

    static func study(_ row: Row) throws -> StudyRecord {
        guard let direction = StudyDirection(rawValue: row["direction"]) else {
            throw StorageError.backend("study '\(row["name"] as String)' has an unknown direction '\(row["direction"] as String)'")
        }
        return StudyRecord(id: row["id"], name: row["name"], direction: direction,
                           userAttributes: try decode([String: JSONValue].self, row["user_attrs"]),
                           systemAttributes: try decode([String: JSONValue].self, row["system_attrs"]),
                           createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    /// A trial from its row (intermediate values are added by the caller).
    static func trial(_ row: Row) throws -> FrozenTrial {
        var cache = DistributionCache()
        return try trial(row, distributions: &cache)
    }

    /// The distributions of trial rows, each distinct JSON text decoded once: the trials of a study
    /// usually share one, and decoding it for each of thousands of trials dominated reading them.
    struct DistributionCache {
        private var decoded: [String: [String: Distribution]] = [:]

        mutating func distributions(_ text: String?) throws -> [String: Distribution] {
            let key = text ?? "{}"
            if let known = decoded[key] { return known }
            let value = try decode([String: Distribution].self, key)
            if decoded.count < 64 { decoded[key] = value }
            return value
        }
    }

    /// A trial from its row, its distributions decoded through `cache`.
    static func trial(_ row: Row, distributions cache: inout DistributionCache) throws -> FrozenTrial {
        guard let state = TrialState(rawValue: row["state"]) else {
            throw StorageError.backend("trial \(row["id"] as Int) has an unknown state '\(row["state"] as String)'")
        }
        let distributions = try cache.distributions(row["distributions"])
        let rawParams = try decode([String: Double].self, row["params"])
        var params: [String: ParamValue] = [:]
        for (name, raw) in rawParams {
            guard let distribution = distributions[name] else {
                throw StorageError.backend("trial \(row["id"] as Int): parameter '\(name)' has no distribution")
            }
            params[name] = distribution.externalValue(raw)
        }
        var owner: TrialOwner?
        if let host: String = row["owner_host"] {
            owner = TrialOwner(host: host, pid: row["owner_pid"], processStart: row["owner_start"] ?? 0)
        }
        return FrozenTrial(id: row["id"], number: row["number"], state: state, value: row["value"],
                           params: params, distributions: distributions,
                           userAttributes: try attributes(row["user_attrs"]),
                           systemAttributes: try attributes(row["system_attrs"]),
                           startedAt: date(row["started_at"]), completedAt: date(row["completed_at"]),
                           heartbeatAt: date(row["heartbeat_at"]), failReason: row["fail_reason"],
                           owner: owner, revision: row["revision"])
    }
}
