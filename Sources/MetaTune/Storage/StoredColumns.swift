import Foundation

/// The columns every shared storage (SQLite, PostgreSQL) writes the same way: attributes and
/// distributions as JSON with sorted keys, parameters as a flat JSON object of internal values,
/// times as seconds since 1970. One coding for all back ends keeps a study copied between
/// them byte for byte the same.
package enum StoredColumns {
    package static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    package static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    package static func decode<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T {
        try JSONDecoder().decode(type, from: Data((text ?? "{}").utf8))
    }

    /// Attributes: most rows hold none, which needs no decoder.
    package static func attributes(_ text: String?) throws -> [String: JSONValue] {
        guard let text, text != "{}" else { return [:] }
        return try decode([String: JSONValue].self, text)
    }

    package static func date(_ value: Double?) -> Date? {
        value.map(Date.init(timeIntervalSince1970:))
    }

    /// A trial's parameters from its `params` column (internal values) and its distributions.
    package static func params(_ text: String?, distributions: [String: Distribution], trialID: Int) throws -> [String: ParamValue] {
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
    package static func flatNumbers(_ text: String) -> [(key: String, value: Double)]? {
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

}

/// The distributions of trial rows: each row's `distributions` column maps parameter names to
/// ids of the study's stored distributions. Each distinct column text is resolved once (the
/// trials of a study usually share one), and each id decoded once — ids are never reused, so a
/// storage keeps one cache for its lifetime (bounded).
package final class DistributionCache: @unchecked Sendable {
    private var byText: [String: [String: Distribution]] = [:]
    private var byID: [Int: Distribution] = [:]
    /// Studies of one search space store the same bodies: each is decoded once.
    private var byBody: [String: Distribution] = [:]
    private let lock = NSLock()

    package init() {}

    /// The distributions a `distributions` column names; `body` reads the stored body of an id
    /// this cache has not seen.
    package func distributions(_ text: String?, body: (Int) throws -> String?) throws -> [String: Distribution] {
        let key = text ?? "{}"
        if let known = lock.withLock({ byText[key] }) { return known }
        guard let ids = StoredColumns.flatNumbers(key)
                ?? (try? StoredColumns.decode([String: Double].self, key)).map({ $0.map { (key: $0.key, value: $0.value) } }) else {
            throw StorageError.backend("a trial's distributions are not a map of ids: \(key.prefix(80))")
        }
        var distributions: [String: Distribution] = .init(minimumCapacity: ids.count)
        for (name, number) in ids {
            distributions[name] = try distribution(id: Int(number), body: body)
        }
        lock.withLock { if byText.count < 256 { byText[key] = distributions } }
        return distributions
    }

    /// Whether the body of `id` is known already (a reader preloading every body skips these).
    package func knows(id: Int) -> Bool { lock.withLock { byID[id] != nil } }

    /// Decodes and keeps the body of `id`.
    @discardableResult
    package func remember(id: Int, body: String) throws -> Distribution {
        let distribution = try lock.withLock({ byBody[body] }) ?? StoredColumns.decode(Distribution.self, body)
        lock.withLock {
            if byID.count < 100_000 { byID[id] = distribution }
            if byBody.count < 1024 && body.utf8.count < 4096 { byBody[body] = distribution }
        }
        return distribution
    }

    private func distribution(id: Int, body: (Int) throws -> String?) throws -> Distribution {
        if let known = lock.withLock({ byID[id] }) { return known }
        guard let text = try body(id) else {
            throw StorageError.backend("distribution \(id) is missing from the storage")
        }
        return try remember(id: id, body: text)
    }
}
