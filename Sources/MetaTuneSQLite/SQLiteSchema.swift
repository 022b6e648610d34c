import GRDB
import MetaTune

/// The versioned schema of a MetaTune SQLite file. Add a migration for every change; never edit
/// a released one.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE metatune_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT INTO metatune_info (key, value) VALUES ('format', 'metatune-storage');
                CREATE TABLE studies (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    name TEXT NOT NULL UNIQUE,
                    direction TEXT NOT NULL,
                    user_attrs TEXT NOT NULL DEFAULT '{}',
                    system_attrs TEXT NOT NULL DEFAULT '{}',
                    created_at REAL NOT NULL,
                    revision INTEGER NOT NULL DEFAULT 0,
                    trial_count INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE trials (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
                    number INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    value REAL,
                    params TEXT NOT NULL DEFAULT '{}',
                    distributions TEXT NOT NULL DEFAULT '{}',
                    user_attrs TEXT NOT NULL DEFAULT '{}',
                    system_attrs TEXT NOT NULL DEFAULT '{}',
                    started_at REAL,
                    completed_at REAL,
                    heartbeat_at REAL,
                    fail_reason TEXT,
                    owner_host TEXT,
                    owner_pid INTEGER,
                    owner_start INTEGER,
                    revision INTEGER NOT NULL,
                    UNIQUE (study_id, number)
                );
                CREATE INDEX trials_by_revision ON trials (study_id, revision);
                CREATE INDEX trials_by_state ON trials (study_id, state);
                CREATE TABLE intermediate_values (
                    trial_id INTEGER NOT NULL REFERENCES trials(id) ON DELETE CASCADE,
                    step INTEGER NOT NULL,
                    value REAL,
                    PRIMARY KEY (trial_id, step)
                );
                """)
        }
        // Each learning-curve value records the revision that set it, so that a reader of what
        // changed reads only the new values of a running trial, not its whole curve again (which
        // made storing a curve quadratic in its length).
        migrator.registerMigration("v2-intermediate-revisions") { db in
            try db.execute(sql: """
                ALTER TABLE intermediate_values ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX intermediate_values_by_revision ON intermediate_values (trial_id, revision);
                """)
        }
        // Each distinct distribution is stored once per study, and a trial's `distributions`
        // column maps its parameters to their ids (`{"lr": 3, "optimizer": 4}`): a categorical
        // with 100,000 choices was written out with every trial.
        migrator.registerMigration("v3-distributions-once-per-study") { db in
            try db.execute(sql: """
                CREATE TABLE study_distributions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
                    body TEXT NOT NULL,
                    UNIQUE (study_id, body)
                );
                """)
            let rows = try Row.fetchAll(db, sql: "SELECT id, study_id, distributions FROM trials")
            for row in rows {
                let distributions = try StoredColumns.decode([String: Distribution].self, row["distributions"])
                var ids: [String: Int] = [:]
                for (name, distribution) in distributions {
                    ids[name] = try SQLiteRows.distributionID(db, studyID: row["study_id"], distribution: distribution)
                }
                try db.execute(sql: "UPDATE trials SET distributions = ? WHERE id = ?", arguments: [try StoredColumns.json(ids), row["id"]])
            }
        }
        return migrator
    }
}
