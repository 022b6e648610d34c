import Foundation
import MetaTune
import PostgresNIO

/// The mapping between PostgreSQL rows and MetaTune's records; the columns are coded as every
/// shared storage codes them (`StoredColumns`).
enum PostgresRows {
    /// The study columns, in the order `study(_:)` reads them.
    static let studyColumns = "id, name, direction, user_attrs, system_attrs, created_at"
    /// The trial columns, in the order `trial(_:…)` reads them.
    static let trialColumns = """
        id, number, state, value, params, distributions, user_attrs, system_attrs, started_at, completed_at, \
        heartbeat_at, fail_reason, owner_host, owner_pid, owner_start, revision
        """

    static func study(_ row: PostgresRow) throws -> StudyRecord {
        let cells = row.makeRandomAccess()
        let name = try cells[1].decode(String.self)
        let directionText = try cells[2].decode(String.self)
        guard let direction = StudyDirection(rawValue: directionText) else {
            throw StorageError.backend("study '\(name)' has an unknown direction '\(directionText)'")
        }
        return StudyRecord(id: try cells[0].decode(Int.self), name: name, direction: direction,
                           userAttributes: try StoredColumns.decode([String: JSONValue].self, try cells[3].decode(String.self)),
                           systemAttributes: try StoredColumns.decode([String: JSONValue].self, try cells[4].decode(String.self)),
                           createdAt: Date(timeIntervalSince1970: try cells[5].decode(Double.self)))
    }

    /// A trial from a row of `trialColumns`, its distributions resolved through `cache` (`body`
    /// reads a distribution the cache has not seen).
    static func trial(_ row: PostgresRow, cache: DistributionCache, body: (Int) throws -> String?) throws -> FrozenTrial {
        let cells = row.makeRandomAccess()
        let id = try cells[0].decode(Int.self)
        let stateText = try cells[2].decode(String.self)
        guard let state = TrialState(rawValue: stateText) else {
            throw StorageError.backend("trial \(id) has an unknown state '\(stateText)'")
        }
        let distributions = try cache.distributions(try cells[5].decode(String.self), body: body)
        var owner: TrialOwner?
        if let host = try cells[12].decode(String?.self) {
            owner = TrialOwner(host: host, pid: Int32(truncatingIfNeeded: try cells[13].decode(Int?.self) ?? 0),
                               processStart: Int64(try cells[14].decode(Int?.self) ?? 0))
        }
        return FrozenTrial(id: id, number: try cells[1].decode(Int.self), state: state, value: try cells[3].decode(Double?.self),
                           params: try StoredColumns.params(try cells[4].decode(String.self), distributions: distributions, trialID: id),
                           distributions: distributions,
                           userAttributes: try StoredColumns.attributes(try cells[6].decode(String.self)),
                           systemAttributes: try StoredColumns.attributes(try cells[7].decode(String.self)),
                           startedAt: StoredColumns.date(try cells[8].decode(Double?.self)),
                           completedAt: StoredColumns.date(try cells[9].decode(Double?.self)),
                           heartbeatAt: StoredColumns.date(try cells[10].decode(Double?.self)),
                           failReason: try cells[11].decode(String?.self), owner: owner, revision: try cells[15].decode(Int.self))
    }
}
