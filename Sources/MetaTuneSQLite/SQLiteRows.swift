import Foundation
import GRDB
import MetaTune

/// The mapping between SQLite rows and MetaTune's records (the columns' coding is
/// `StoredColumns`, shared with the other back ends).
enum SQLiteRows {
    static func study(_ row: Row) throws -> StudyRecord {
        guard let direction = StudyDirection(rawValue: row["direction"]) else {
            throw StorageError.backend("study '\(row["name"] as String)' has an unknown direction '\(row["direction"] as String)'")
        }
        return StudyRecord(id: row["id"], name: row["name"], direction: direction,
                           userAttributes: try StoredColumns.decode([String: JSONValue].self, row["user_attrs"]),
                           systemAttributes: try StoredColumns.decode([String: JSONValue].self, row["system_attrs"]),
                           createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    /// The id of `distribution` among the study's distributions (`study_distributions`), stored
    /// there first if it is new.
    static func distributionID(_ db: Database, studyID: Int, distribution: Distribution) throws -> Int {
        let body = try StoredColumns.json(distribution)
        try db.execute(sql: "INSERT OR IGNORE INTO study_distributions (study_id, body) VALUES (?, ?)", arguments: [studyID, body])
        guard let id = try Int.fetchOne(db, sql: "SELECT id FROM study_distributions WHERE study_id = ? AND body = ?",
                                        arguments: [studyID, body]) else {
            throw StorageError.backend("study \(studyID): a distribution could not be stored")
        }
        return id
    }

    /// The distributions a trial row's `distributions` column names, bodies read from `db`.
    static func distributions(_ text: String?, cache: DistributionCache, in db: Database) throws -> [String: Distribution] {
        try cache.distributions(text) { id in
            try String.fetchOne(db.cachedStatement(sql: "SELECT body FROM study_distributions WHERE id = ?"), arguments: [id])
        }
    }

    /// Reads every stored distribution in one query, before resolving many trials of many studies.
    static func preloadDistributions(_ cache: DistributionCache, in db: Database) throws {
        let rows = try Row.fetchCursor(db, sql: "SELECT id, body FROM study_distributions")
        while let row = try rows.next() {
            let id: Int = row[0]
            if !cache.knows(id: id) { try cache.remember(id: id, body: row[1]) }
        }
    }

    /// A trial from its row, its distributions resolved through `cache`.
    static func trial(_ row: Row, distributions cache: DistributionCache, in db: Database) throws -> FrozenTrial {
        guard let state = TrialState(rawValue: row["state"]) else {
            throw StorageError.backend("trial \(row["id"] as Int) has an unknown state '\(row["state"] as String)'")
        }
        let distributions = try distributions(row["distributions"], cache: cache, in: db)
        let params = try StoredColumns.params(row["params"], distributions: distributions, trialID: row["id"])
        var owner: TrialOwner?
        if let host: String = row["owner_host"] {
            owner = TrialOwner(host: host, pid: row["owner_pid"], processStart: row["owner_start"] ?? 0)
        }
        return FrozenTrial(id: row["id"], number: row["number"], state: state, value: row["value"],
                           params: params, distributions: distributions,
                           userAttributes: try StoredColumns.attributes(row["user_attrs"]),
                           systemAttributes: try StoredColumns.attributes(row["system_attrs"]),
                           startedAt: StoredColumns.date(row["started_at"]), completedAt: StoredColumns.date(row["completed_at"]),
                           heartbeatAt: StoredColumns.date(row["heartbeat_at"]), failReason: row["fail_reason"],
                           owner: owner, revision: row["revision"])
    }
}
