import PostgresNIO

/// The versioned schema of a MetaTune PostgreSQL database. Tables carry a `metatune_` prefix so
/// that they can live in a database shared with other programs. Add a migration for every
/// change; never edit a released one.
enum PostgresSchema {
    /// A name and the statements of each migration, in order; the version is its position + 1.
    static let migrations: [(name: String, statements: [String])] = [
        ("v1", [
            """
            CREATE TABLE metatune_studies (
                id BIGSERIAL PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                direction TEXT NOT NULL,
                user_attrs TEXT NOT NULL DEFAULT '{}',
                system_attrs TEXT NOT NULL DEFAULT '{}',
                created_at DOUBLE PRECISION NOT NULL,
                revision BIGINT NOT NULL DEFAULT 0,
                trial_count BIGINT NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE metatune_distributions (
                id BIGSERIAL PRIMARY KEY,
                study_id BIGINT NOT NULL REFERENCES metatune_studies(id) ON DELETE CASCADE,
                body TEXT NOT NULL,
                UNIQUE (study_id, body)
            )
            """,
            """
            CREATE TABLE metatune_trials (
                id BIGSERIAL PRIMARY KEY,
                study_id BIGINT NOT NULL REFERENCES metatune_studies(id) ON DELETE CASCADE,
                number BIGINT NOT NULL,
                state TEXT NOT NULL,
                value DOUBLE PRECISION,
                params TEXT NOT NULL DEFAULT '{}',
                distributions TEXT NOT NULL DEFAULT '{}',
                user_attrs TEXT NOT NULL DEFAULT '{}',
                system_attrs TEXT NOT NULL DEFAULT '{}',
                started_at DOUBLE PRECISION,
                completed_at DOUBLE PRECISION,
                heartbeat_at DOUBLE PRECISION,
                fail_reason TEXT,
                owner_host TEXT,
                owner_pid BIGINT,
                owner_start BIGINT,
                revision BIGINT NOT NULL,
                request_token TEXT UNIQUE,
                UNIQUE (study_id, number)
            )
            """,
            "CREATE INDEX metatune_trials_by_revision ON metatune_trials (study_id, revision)",
            "CREATE INDEX metatune_trials_by_state ON metatune_trials (study_id, state)",
            """
            CREATE TABLE metatune_intermediate_values (
                trial_id BIGINT NOT NULL REFERENCES metatune_trials(id) ON DELETE CASCADE,
                step BIGINT NOT NULL,
                value DOUBLE PRECISION NOT NULL,
                revision BIGINT NOT NULL,
                PRIMARY KEY (trial_id, step)
            )
            """,
            "CREATE INDEX metatune_intermediate_values_by_revision ON metatune_intermediate_values (trial_id, revision)",
        ]),
    ]

    /// The table that records applied migrations.
    static let versionTable = """
        CREATE TABLE IF NOT EXISTS metatune_schema (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """

    /// A key for `pg_advisory_xact_lock`: runners that open a new database at once migrate it one
    /// after the other.
    static let migrationLock: Int = 0x4D54_5355_0001
}
