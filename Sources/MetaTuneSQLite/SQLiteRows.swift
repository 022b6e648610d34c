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

    /// A trial's parameters from its `params` column (internal values) and its distributions.
    static func params(_ text: String?, distributions: [String: Distribution], trialID: Int) throws -> [String: ParamValue] {
        let raws = try flatNumbers(text ?? "{}") ?? decode([String: Double].self, text).map { (key: $0.key, value: $0.value) }
        var params: [String: ParamValue] = .init(minimumCapacity: raws.count)
        for (name, raw) in raws {
            guard let distribution = distributions[name] else {
                throw StorageError.backend("trial \(trialID): parameter '\(name)' has no distribution")
            }
            params[name] = distribution.externalValue(raw)
        }
        return params
    }

    /// The fast path for the `params` column as this storage writes it, a flat JSON object of
    /// plain keys and numbers (`{"lr":0.01,"layers":3}`): parsed directly, since a `JSONDecoder`
    /// per trial dominated reading thousands of trials. Anything else (escapes, nesting, other
    /// values) gives nil, and the caller decodes it in full. The pairs come in the text's order.
    static func flatNumbers(_ text: String) -> [(key: String, value: Double)]? {
        var bytes = Array(text.utf8)
        bytes.append(0)  // strtod stops at the terminator at the latest
        return bytes.withUnsafeBufferPointer { buffer -> [(key: String, value: Double)]? in
            let base = buffer.baseAddress!
            var i = 0
            func skipSpaces() { while buffer[i] == 0x20 || buffer[i] == 0x0A || buffer[i] == 0x0D || buffer[i] == 0x09 { i += 1 } }
            func take(_ byte: UInt8) -> Bool {
                skipSpaces()
                guard buffer[i] == byte else { return false }
                i += 1
                return true
            }
            guard take(UInt8(ascii: "{")) else { return nil }
            var values: [(key: String, value: Double)] = []
            if !take(UInt8(ascii: "}")) {
                repeat {
                    guard take(UInt8(ascii: "\"")) else { return nil }
                    let start = i
                    while buffer[i] != UInt8(ascii: "\"") {
                        guard buffer[i] != 0, buffer[i] != UInt8(ascii: "\\") else { return nil }
                        i += 1
                    }
                    let key = String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<i]), as: UTF8.self)
                    i += 1
                    guard take(UInt8(ascii: ":")) else { return nil }
                    skipSpaces()
                    guard buffer[i] == UInt8(ascii: "-") || (buffer[i] >= UInt8(ascii: "0") && buffer[i] <= UInt8(ascii: "9")) else { return nil }
                    var end: UnsafeMutablePointer<CChar>?
                    let number = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { strtod($0 + i, &end) }
                    guard let end, number.isFinite else { return nil }
                    i = base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { UnsafePointer(end) - $0 }
                    values.append((key, number))
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "}")) else { return nil }
            }
            skipSpaces()
            return buffer[i] == 0 && i == buffer.count - 1 ? values : nil
        }
    }

    /// The id of `distribution` among the study's distributions (`study_distributions`), stored
    /// there first if it is new.
    static func distributionID(_ db: Database, studyID: Int, distribution: Distribution) throws -> Int {
        let body = try json(distribution)
        try db.execute(sql: "INSERT OR IGNORE INTO study_distributions (study_id, body) VALUES (?, ?)", arguments: [studyID, body])
        guard let id = try Int.fetchOne(db, sql: "SELECT id FROM study_distributions WHERE study_id = ? AND body = ?",
                                        arguments: [studyID, body]) else {
            throw StorageError.backend("study \(studyID): a distribution could not be stored")
        }
        return id
    }

    /// The distributions of trial rows: each row's `distributions` column maps parameter names to
    /// ids of `study_distributions`. Each distinct column text is resolved once (the trials of a
    /// study usually share one), and each id decoded once — ids are never reused, so a storage
    /// keeps one cache for its lifetime (bounded).
    final class DistributionCache: @unchecked Sendable {
        private var byText: [String: [String: Distribution]] = [:]
        private var byID: [Int: Distribution] = [:]
        /// Studies of one search space store the same bodies: each is decoded once.
        private var byBody: [String: Distribution] = [:]
        private let lock = NSLock()

        func distributions(_ text: String?, in db: Database) throws -> [String: Distribution] {
            let key = text ?? "{}"
            if let known = lock.withLock({ byText[key] }) { return known }
            guard let ids = flatNumbers(key) ?? (try? decode([String: Double].self, key)).map({ $0.map { (key: $0.key, value: $0.value) } }) else {
                throw StorageError.backend("a trial's distributions are not a map of ids: \(key.prefix(80))")
            }
            var distributions: [String: Distribution] = .init(minimumCapacity: ids.count)
            for (name, number) in ids {
                distributions[name] = try distribution(id: Int(number), in: db)
            }
            lock.withLock { if byText.count < 256 { byText[key] = distributions } }
            return distributions
        }

        /// Reads every stored distribution in one query, before resolving many trials of many
        /// studies.
        func preload(_ db: Database) throws {
            let rows = try Row.fetchCursor(db, sql: "SELECT id, body FROM study_distributions")
            while let row = try rows.next() {
                let id: Int = row[0]
                if lock.withLock({ byID[id] }) == nil { _ = try remember(id: id, body: row[1]) }
            }
        }

        private func distribution(id: Int, in db: Database) throws -> Distribution {
            if let known = lock.withLock({ byID[id] }) { return known }
            guard let body = try String.fetchOne(db.cachedStatement(sql: "SELECT body FROM study_distributions WHERE id = ?"),
                                                 arguments: [id]) else {
                throw StorageError.backend("distribution \(id) is missing from the storage")
            }
            return try remember(id: id, body: body)
        }

        private func remember(id: Int, body: String) throws -> Distribution {
            let distribution = try lock.withLock({ byBody[body] }) ?? decode(Distribution.self, body)
            lock.withLock {
                if byID.count < 100_000 { byID[id] = distribution }
                if byBody.count < 1024 && body.utf8.count < 4096 { byBody[body] = distribution }
            }
            return distribution
        }
    }

    /// A trial from its row, its distributions resolved through `cache`.
    static func trial(_ row: Row, distributions cache: DistributionCache, in db: Database) throws -> FrozenTrial {
        guard let state = TrialState(rawValue: row["state"]) else {
            throw StorageError.backend("trial \(row["id"] as Int) has an unknown state '\(row["state"] as String)'")
        }
        let distributions = try cache.distributions(row["distributions"], in: db)
        let params = try params(row["params"], distributions: distributions, trialID: row["id"])
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
