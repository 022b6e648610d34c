import Foundation
import Logging
import MetaTune
import PostgresNIO

/// Studies in a PostgreSQL database, shared by runners on many hosts.
///
/// - Trial numbers come from one statement that increments the study's trial count and inserts
///   the trial: the study row's lock orders concurrent creators, so numbers are gap-free and
///   unique with no retry loop, and a study total (`limit`) is checked in the same statement.
/// - Every change bumps the study's revision in the statement that makes it (the same lock
///   orders revisions as commits), so incremental reads miss nothing.
/// - A dropped connection, a statement without an answer within the location's `timeout`, or a
///   restarting server is retried with backoff for the location's `retry` window. An operation
///   whose answer was lost may have committed: creating and claiming a trial carry a token by
///   which a retry finds its own earlier attempt, and a retried finish accepts its own result —
///   so no trial is lost or doubled.
/// - A finish for a trial that was failed meanwhile (an orphan recovered by another host) is
///   refused with `StorageError.trialFinished`, and the late result is kept in the trial's
///   system attribute `late_result`.
///
/// Open one storage per process and share it: it keeps at most the location's `pool`
/// connections.
public final class PostgresStorage: Storage, @unchecked Sendable {
    /// Where the database is (its password is never printed).
    public let location: PostgresLocation
    /// Whether this storage refuses every write (and did not create or upgrade the schema).
    public let isReadOnly: Bool
    private let pool: PostgresConnectionPool
    private let clock: @Sendable () -> Date
    private let distributions = DistributionCache()
    private let distributionIDs = DistributionIDs()
    private let trialStudies = TrialStudies()

    /// Connects to `location` (the password from the URL, else `PGPASSWORD`) and brings the
    /// schema up to date; with `readOnly`, the schema must exist already and nothing is written.
    public init(location: PostgresLocation, readOnly: Bool = false,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.location = location
        isReadOnly = readOnly
        self.clock = clock
        var logger = Logger(label: "metatune.postgres")
        logger.logLevel = .critical
        pool = PostgresConnectionPool(location: location, password: location.resolvedPassword(environment: environment), logger: logger)
        try perform { session in try readOnly ? Self.checkSchema(session) : Self.migrate(session) }
    }

    // MARK: - Schema

    private static func migrate(_ session: PostgresSession) throws {
        try session.transaction {
            try session.execute("SELECT pg_advisory_xact_lock(\(PostgresSchema.migrationLock))")
            try session.execute(PostgresQuery(unsafeSQL: PostgresSchema.versionTable))
            let applied = try appliedVersion(session)
            for (index, migration) in PostgresSchema.migrations.enumerated() where index + 1 > applied {
                for statement in migration.statements { try session.execute(PostgresQuery(unsafeSQL: statement)) }
                try session.execute("INSERT INTO metatune_schema (version, name) VALUES (\(index + 1), \(migration.name))")
            }
        }
    }

    private static func checkSchema(_ session: PostgresSession) throws {
        let exists = try session.rows("SELECT to_regclass('metatune_schema') IS NOT NULL").first?.decode(Bool.self) ?? false
        guard exists, try appliedVersion(session) > 0 else {
            throw StorageError.backend("the database holds no MetaTune studies yet (a command that writes, such as `metatune study create`, sets it up)")
        }
    }

    private static func appliedVersion(_ session: PostgresSession) throws -> Int {
        let version = try session.rows("SELECT COALESCE(MAX(version), 0) FROM metatune_schema").first?.decode(Int.self) ?? 0
        guard version <= PostgresSchema.migrations.count else {
            throw StorageError.backend("the database was written by a newer MetaTune (schema version \(version))")
        }
        return version
    }

    // MARK: - Studies

    public func createStudy(name: String, direction: StudyDirection) throws -> StudyRecord {
        try StudyName.validate(name)
        try requireWritable()
        let created = clock().timeIntervalSince1970
        return try perform { session in
            let rows = try session.rows("""
                INSERT INTO metatune_studies (name, direction, created_at) VALUES (\(name), \(direction.rawValue), \(created))
                ON CONFLICT (name) DO NOTHING RETURNING \(unescaped: PostgresRows.studyColumns)
                """)
            if let row = rows.first { return try PostgresRows.study(row) }
            // A retry whose first attempt committed finds its own study, stamped with its time.
            if session.attempt > 0, let existing = try self.study(named: name, session), existing.createdAt.timeIntervalSince1970 == created {
                return existing
            }
            throw StorageError.studyExists(name)
        }
    }

    public func study(named name: String) throws -> StudyRecord? {
        try perform { try self.study(named: name, $0) }
    }

    private func study(named name: String, _ session: PostgresSession) throws -> StudyRecord? {
        try session.rows("SELECT \(unescaped: PostgresRows.studyColumns) FROM metatune_studies WHERE name = \(name)").first.map(PostgresRows.study)
    }

    public func allStudies() throws -> [StudyRecord] {
        try perform { session in
            try session.rows("SELECT \(unescaped: PostgresRows.studyColumns) FROM metatune_studies ORDER BY id").map(PostgresRows.study)
        }
    }

    public func deleteStudy(id: Int) throws {
        try requireWritable()
        try perform { session in
            let deleted = try session.execute("DELETE FROM metatune_studies WHERE id = \(id)")
            // A retry may find that its first attempt deleted it.
            if deleted == 0 && session.attempt == 0 { throw StorageError.noSuchStudyID(id) }
        }
        distributionIDs.forget(studyID: id)
        trialStudies.forget(studyID: id)
    }

    public func setStudyAttribute(studyID: Int, key: String, value: JSONValue, system: Bool) throws {
        try requireWritable()
        let column = system ? "system_attrs" : "user_attrs"
        let json = try StoredColumns.json(value)
        try perform { session in
            let changed = try session.execute("""
                UPDATE metatune_studies SET \(unescaped: column) = (\(unescaped: column)::jsonb || jsonb_build_object(\(key)::text, \(json)::jsonb))::text
                WHERE id = \(studyID)
                """)
            if changed == 0 { throw StorageError.noSuchStudyID(studyID) }
        }
    }

    // MARK: - Trials

    public func createTrial(studyID: Int, state: TrialState, systemAttributes: [String: JSONValue], owner: TrialOwner?,
                            limit: Int?) throws -> FrozenTrial? {
        guard state == .running || state == .waiting else {
            throw StorageError.invalidValue("a new trial must be running or waiting, not \(state.rawValue)")
        }
        try requireWritable()
        let token = UUID().uuidString
        let attributes = try StoredColumns.json(systemAttributes)
        let running = state == .running
        let now: Double? = running ? clock().timeIntervalSince1970 : nil
        let host = running ? owner?.host : nil, pid = running ? owner.map { Int($0.pid) } : nil
        let start = running ? owner.map { Int($0.processStart) } : nil
        return try perform { session in
            if session.attempt > 0, let mine = try self.trial(token: token, session) { return mine }
            let rows = try session.rows("""
                WITH s AS (
                    UPDATE metatune_studies SET trial_count = trial_count + 1, revision = revision + 1
                    WHERE id = \(studyID) AND (\(limit)::bigint IS NULL OR trial_count < \(limit)::bigint)
                    RETURNING trial_count - 1 AS number, revision
                )
                INSERT INTO metatune_trials (study_id, number, state, system_attrs, started_at, heartbeat_at,
                                             owner_host, owner_pid, owner_start, revision, request_token)
                SELECT \(studyID), s.number, \(state.rawValue), \(attributes), \(now), \(now), \(host), \(pid), \(start), s.revision, \(token)
                FROM s RETURNING \(unescaped: PostgresRows.trialColumns)
                """)
            if let row = rows.first { return try self.decodeTrial(row, session) }
            guard try session.rows("SELECT 1 FROM metatune_studies WHERE id = \(studyID)").isEmpty else { return nil }
            throw StorageError.noSuchStudyID(studyID)
        }
    }

    public func claimWaitingTrial(studyID: Int, owner: TrialOwner?) throws -> FrozenTrial? {
        try starting(owner) { session, token, now, host, pid, start in
            let rows = try session.rows("""
                WITH w AS (
                    SELECT id, study_id FROM metatune_trials WHERE study_id = \(studyID) AND state = 'waiting'
                    ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED
                ), r AS (
                    UPDATE metatune_studies s SET revision = s.revision + 1 FROM w WHERE s.id = w.study_id RETURNING s.revision
                )
                UPDATE metatune_trials t SET state = 'running', started_at = \(now), heartbeat_at = \(now), owner_host = \(host),
                    owner_pid = \(pid), owner_start = \(start), revision = r.revision, request_token = \(token)
                FROM w, r WHERE t.id = w.id RETURNING \(unescaped: Self.qualified("t"))
                """)
            return try rows.first.map { try self.decodeTrial($0, session) }
        }
    }

    /// One statement: the oldest waiting trial, locked with `SKIP LOCKED` so concurrent starters
    /// pass each other, is claimed; when there is none, the study's trial count is incremented and
    /// a trial created (under `limit`). Locks the trial, then the study, as every statement here.
    public func startTrial(studyID: Int, owner: TrialOwner?, limit: Int?) throws -> FrozenTrial? {
        try starting(owner) { session, token, now, host, pid, start in
            let rows = try session.rows("""
                WITH w AS (
                    SELECT id FROM metatune_trials WHERE study_id = \(studyID) AND state = 'waiting'
                    ORDER BY number LIMIT 1 FOR UPDATE SKIP LOCKED
                ), s AS (
                    UPDATE metatune_studies SET revision = revision + 1,
                        trial_count = trial_count + (CASE WHEN EXISTS (SELECT 1 FROM w) THEN 0 ELSE 1 END)
                    WHERE id = \(studyID)
                      AND (EXISTS (SELECT 1 FROM w) OR \(limit)::bigint IS NULL OR trial_count < \(limit)::bigint)
                    RETURNING trial_count - 1 AS number, revision, EXISTS (SELECT 1 FROM w) AS claimed
                ), claimed AS (
                    UPDATE metatune_trials t SET state = 'running', started_at = \(now), heartbeat_at = \(now), owner_host = \(host),
                        owner_pid = \(pid), owner_start = \(start), revision = s.revision, request_token = \(token)
                    FROM w, s WHERE t.id = w.id RETURNING \(unescaped: Self.qualified("t"))
                ), created AS (
                    INSERT INTO metatune_trials (study_id, number, state, system_attrs, started_at, heartbeat_at,
                                                 owner_host, owner_pid, owner_start, revision, request_token)
                    SELECT \(studyID), s.number, 'running', '{}', \(now), \(now), \(host), \(pid), \(start), s.revision, \(token)
                    FROM s WHERE NOT s.claimed RETURNING \(unescaped: PostgresRows.trialColumns)
                )
                SELECT * FROM claimed UNION ALL SELECT * FROM created
                """)
            if let row = rows.first {
                let trial = try self.decodeTrial(row, session)
                trialStudies.remember(trialID: trial.id, studyID: studyID)
                return trial
            }
            guard try session.rows("SELECT 1 FROM metatune_studies WHERE id = \(studyID)").isEmpty else { return nil }
            throw StorageError.noSuchStudyID(studyID)
        }
    }

    public func handOverTrial(trialID: Int, from expected: TrialOwner?, to owner: TrialOwner?) throws -> Bool {
        try requireWritable()
        let now = clock().timeIntervalSince1970
        let expectedHost = expected?.host, expectedPID = expected.map { Int($0.pid) }, expectedStart = expected.map { Int($0.processStart) }
        let host = owner?.host, pid = owner.map { Int($0.pid) }, start = owner.map { Int($0.processStart) }
        return try perform { session in
            // Locks the trial, then the study (the order every statement here takes them in). A
            // retry after a lost answer finds the trial already `owner`'s and says so.
            let rows = try session.rows("""
                WITH t AS (
                    SELECT id, study_id FROM metatune_trials WHERE id = \(trialID) AND state = 'running'
                    AND ((owner_host IS NOT DISTINCT FROM \(expectedHost) AND owner_pid IS NOT DISTINCT FROM \(expectedPID)
                          AND owner_start IS NOT DISTINCT FROM \(expectedStart))
                      OR (owner_host IS NOT DISTINCT FROM \(host) AND owner_pid IS NOT DISTINCT FROM \(pid)
                          AND owner_start IS NOT DISTINCT FROM \(start)))
                    FOR UPDATE
                ), r AS (
                    UPDATE metatune_studies s SET revision = s.revision + 1 FROM t WHERE s.id = t.study_id RETURNING s.revision
                )
                UPDATE metatune_trials SET owner_host = \(host), owner_pid = \(pid), owner_start = \(start),
                    heartbeat_at = \(now), revision = r.revision
                FROM r WHERE metatune_trials.id = \(trialID) RETURNING r.revision
                """)
            if !rows.isEmpty { return true }
            guard let row = try session.rows("SELECT number, state FROM metatune_trials WHERE id = \(trialID)").first else {
                throw StorageError.noSuchTrial(trialID)
            }
            let (number, stateText) = try row.decode((Int, String).self)
            let state = TrialState(rawValue: stateText) ?? .failed
            if state == .running { return false }
            if state == .waiting { throw StorageError.invalidValue("trial \(number) is waiting and has not started") }
            throw StorageError.trialFinished(number: number, state: state)
        }
    }

    public func setTrialParam(trialID: Int, name: String, value: ParamValue, distribution: Distribution) throws {
        guard let raw = distribution.internalValue(of: value) else {
            throw StorageError.invalidValue(SearchSpaceError.valueNotInDistribution(
                name: name, value: value.description, distribution: distribution.summary).description)
        }
        try requireWritable()
        let body = try StoredColumns.json(distribution)
        try perform { session in
            guard let studyID = try self.trialStudies.studyID(ofTrial: trialID) ?? self.studyID(ofTrial: trialID, session) else {
                throw StorageError.noSuchTrial(trialID)
            }
            let distributionID = try self.distributionID(studyID: studyID, body: body, session)
            try self.updateRunning(trialID, session, set: """
                params = (params::jsonb || jsonb_build_object($2::text, $3::float8))::text,
                distributions = (distributions::jsonb || jsonb_build_object($2::text, $4::bigint))::text
                """, binds: { try $0.append(name); try $0.append(raw); try $0.append(distributionID) })
        }
    }

    public func setIntermediateValues(trialID: Int, values: [Int: Double]) throws {
        guard !values.isEmpty else { return }
        try requireWritable()
        let steps = values.keys.sorted()
        let numbers = steps.map { values[$0] ?? .nan }
        try perform { session in
            try session.transaction {
                let revision = try self.updateRunning(trialID, session, set: nil, binds: { _ in })
                try session.execute("""
                    INSERT INTO metatune_intermediate_values (trial_id, step, value, revision)
                    SELECT \(trialID), s.step, s.value, \(revision) FROM unnest(\(steps)::bigint[], \(numbers)::float8[]) AS s(step, value)
                    ON CONFLICT (trial_id, step) DO UPDATE SET value = EXCLUDED.value, revision = EXCLUDED.revision
                    """)
            }
        }
    }

    public func setTrialAttribute(trialID: Int, key: String, value: JSONValue, system: Bool) throws {
        try requireWritable()
        let column = system ? "system_attrs" : "user_attrs"
        let json = try StoredColumns.json(value)
        try perform { session in
            try self.updateTrial(trialID, session, requireRunning: false,
                                 set: "\(column) = (\(column)::jsonb || jsonb_build_object($2::text, $3::jsonb))::text",
                                 binds: { try $0.append(key); try $0.append(json) })
        }
    }

    public func recordHeartbeat(trialID: Int) throws {
        try requireWritable()
        let now = clock().timeIntervalSince1970
        try perform { session in
            try self.updateRunning(trialID, session, set: "heartbeat_at = $2", binds: { try $0.append(now) })
        }
    }

    public func finishTrial(trialID: Int, state: TrialState, value: Double?, reason: String?) throws {
        guard state.isFinished else { throw StorageError.invalidValue("cannot finish a trial as \(state.rawValue)") }
        if state == .complete {
            guard let value, value.isFinite else { throw StorageError.invalidValue("a complete trial needs a finite value") }
        }
        try requireWritable()
        let now = clock().timeIntervalSince1970
        let stored: Double? = state == .complete ? value : nil
        try perform { session in
            do {
                try self.updateRunning(trialID, session, set: "state = $2, value = $3, fail_reason = $4, completed_at = $5",
                                       binds: { try $0.append(state.rawValue); try $0.append(stored); try $0.append(reason); try $0.append(now) })
            } catch StorageError.trialFinished(let number, let finalState) {
                let current = try self.trial(id: trialID, session)
                // A retry whose first attempt committed finds its own result.
                if session.attempt > 0, current.state == state, current.value == stored, current.failReason == reason { return }
                let late: JSONValue = .object(["state": .string(state.rawValue), "value": stored.map(JSONValue.number) ?? .null,
                                               "reason": reason.map(JSONValue.string) ?? .null, "at": .number(now)])
                try self.updateTrial(trialID, session, requireRunning: false,
                                     set: "system_attrs = (system_attrs::jsonb || jsonb_build_object('late_result', $2::jsonb))::text",
                                     binds: { try $0.append(try StoredColumns.json(late)) })
                throw StorageError.trialFinished(number: number, state: finalState)
            }
        }
    }

    public func trial(id: Int) throws -> FrozenTrial {
        try perform { try self.trial(id: id, $0) }
    }

    /// One statement, so one snapshot: the study's revision, each changed trial, and the curve
    /// values set after `revision` (all of them on a first read) as two arrays per trial.
    public func trials(studyID: Int, changedAfter revision: Int) throws -> TrialChanges {
        try perform { session in
            let rows = try session.rows("""
                SELECT \(unescaped: Self.qualified("t")), s.revision,
                    ARRAY(SELECT v.step FROM metatune_intermediate_values v WHERE v.trial_id = t.id AND v.revision > \(revision) ORDER BY v.step),
                    ARRAY(SELECT v.value FROM metatune_intermediate_values v WHERE v.trial_id = t.id AND v.revision > \(revision) ORDER BY v.step)
                FROM metatune_studies s LEFT JOIN metatune_trials t ON t.study_id = s.id AND t.revision > \(revision)
                WHERE s.id = \(studyID) ORDER BY t.number
                """)
            guard let first = rows.first else { throw StorageError.noSuchStudyID(studyID) }
            let current = try first.makeRandomAccess()[Self.trialColumnCount].decode(Int.self)
            var trials: [FrozenTrial] = []
            for row in rows {
                let cells = row.makeRandomAccess()
                guard try cells[0].decode(Int?.self) != nil else { continue }  // the study alone: nothing changed
                var trial = try self.decodeTrial(row, session)
                let steps = try cells[Self.trialColumnCount + 1].decode([Int].self)
                let values = try cells[Self.trialColumnCount + 2].decode([Double].self)
                for (step, value) in zip(steps, values) { trial.intermediateValues[step] = value }
                trials.append(trial)
            }
            return TrialChanges(trials: trials, revision: current)
        }
    }

    /// Two queries: the complete trials of every study, then their learning curves.
    public func completeTrialsByStudy() throws -> [Int: [FrozenTrial]] {
        try perform { session in
            for row in try session.rows("SELECT id, body FROM metatune_distributions") {
                let (id, body) = try row.decode((Int, String).self)
                if !self.distributions.knows(id: id) { try self.distributions.remember(id: id, body: body) }
            }
            var byStudy: [Int: [FrozenTrial]] = [:]
            var position: [Int: (study: Int, index: Int)] = [:]
            for row in try session.rows("""
                SELECT \(unescaped: PostgresRows.trialColumns), study_id FROM metatune_trials WHERE state = 'complete' ORDER BY study_id, number
                """) {
                let studyID = try row.makeRandomAccess()[16].decode(Int.self)
                let trial = try self.decodeTrial(row, session)
                position[trial.id] = (studyID, byStudy[studyID, default: []].count)
                byStudy[studyID, default: []].append(trial)
            }
            for row in try session.rows("""
                SELECT v.trial_id, v.step, v.value FROM metatune_intermediate_values v JOIN metatune_trials t ON t.id = v.trial_id
                WHERE t.state = 'complete'
                """) {
                let (trial, step, value) = try row.decode((Int, Int, Double).self)
                if let (study, index) = position[trial] { byStudy[study]?[index].intermediateValues[step] = value }
            }
            return byStudy
        }
    }

    /// One transaction: the study, then each trial (with its id back), then its curve in one statement.
    public func importStudy(_ record: StudyRecord, trials: [FrozenTrial]) throws -> StudyRecord {
        let ordered = try StudyImport.validate(record, trials: trials)
        try requireWritable()
        let userAttributes = try StoredColumns.json(record.userAttributes), systemAttributes = try StoredColumns.json(record.systemAttributes)
        return try perform { session in
            try session.transaction {
                guard let row = try session.rows("""
                    INSERT INTO metatune_studies (name, direction, user_attrs, system_attrs, created_at, revision, trial_count)
                    VALUES (\(record.name), \(record.direction.rawValue), \(userAttributes), \(systemAttributes),
                            \(record.createdAt.timeIntervalSince1970), \(ordered.count), \(ordered.count))
                    ON CONFLICT (name) DO NOTHING RETURNING \(unescaped: PostgresRows.studyColumns)
                    """).first else { throw StorageError.studyExists(record.name) }
                let imported = try PostgresRows.study(row)
                for (index, trial) in ordered.enumerated() {
                    var raws: [String: Double] = [:], ids: [String: Int] = [:]
                    for (name, value) in trial.params {
                        guard let distribution = trial.distributions[name], let raw = distribution.internalValue(of: value) else { continue }
                        raws[name] = raw
                        ids[name] = try self.distributionID(studyID: imported.id, body: try StoredColumns.json(distribution), session)
                    }
                    let params = try StoredColumns.json(raws), distributions = try StoredColumns.json(ids)
                    let user = try StoredColumns.json(trial.userAttributes), system = try StoredColumns.json(trial.systemAttributes)
                    let pid = trial.owner.map { Int($0.pid) }, start = trial.owner.map { Int($0.processStart) }
                    guard let trialID = try session.rows("""
                        INSERT INTO metatune_trials (study_id, number, state, value, params, distributions, user_attrs, system_attrs,
                            started_at, completed_at, heartbeat_at, fail_reason, owner_host, owner_pid, owner_start, revision)
                        VALUES (\(imported.id), \(trial.number), \(trial.state.rawValue), \(trial.value), \(params), \(distributions),
                            \(user), \(system), \(trial.startedAt?.timeIntervalSince1970), \(trial.completedAt?.timeIntervalSince1970),
                            \(trial.heartbeatAt?.timeIntervalSince1970), \(trial.failReason), \(trial.owner?.host), \(pid), \(start), \(index + 1))
                        RETURNING id
                        """).first?.decode(Int.self) else { throw StorageError.backend("a trial of '\(record.name)' was not stored") }
                    guard !trial.intermediateValues.isEmpty else { continue }
                    let steps = trial.intermediateValues.keys.sorted()
                    let values = steps.map { trial.intermediateValues[$0] ?? .nan }
                    try session.execute("""
                        INSERT INTO metatune_intermediate_values (trial_id, step, value, revision)
                        SELECT \(trialID), s.step, s.value, \(index + 1) FROM unnest(\(steps)::bigint[], \(values)::float8[]) AS s(step, value)
                        """)
                }
                return imported
            }
        }
    }

    // MARK: - Helpers

    /// Changes a running trial in one statement that also bumps its study's revision (locking
    /// the trial, then the study — the order every statement here takes them in). `set` may use
    /// `$2`, `$3`, … bound by `binds` (`$1` is the trial id). Returns the new revision.
    @discardableResult
    private func updateRunning(_ trialID: Int, _ session: PostgresSession, set: String?,
                               binds: (inout PostgresBindings) throws -> Void) throws -> Int {
        try updateTrial(trialID, session, requireRunning: true, set: set, binds: binds)
    }

    @discardableResult
    private func updateTrial(_ trialID: Int, _ session: PostgresSession, requireRunning: Bool, set: String?,
                             binds: (inout PostgresBindings) throws -> Void) throws -> Int {
        var bindings = PostgresBindings()
        bindings.append(trialID)
        try binds(&bindings)
        let sql = """
            WITH t AS (
                SELECT id, study_id FROM metatune_trials WHERE id = $1\(requireRunning ? " AND state = 'running'" : "") FOR UPDATE
            ), r AS (
                UPDATE metatune_studies s SET revision = s.revision + 1 FROM t WHERE s.id = t.study_id RETURNING s.revision
            )
            UPDATE metatune_trials SET \(set.map { $0 + "," } ?? "") revision = r.revision FROM r
            WHERE metatune_trials.id = $1 RETURNING r.revision
            """
        if let row = try session.rows(PostgresQuery(unsafeSQL: sql, binds: bindings)).first { return try row.decode(Int.self) }
        guard let row = try session.rows("SELECT number, state FROM metatune_trials WHERE id = \(trialID)").first else {
            throw StorageError.noSuchTrial(trialID)
        }
        let (number, stateText) = try row.decode((Int, String).self)
        let state = TrialState(rawValue: stateText) ?? .failed
        if state == .waiting { throw StorageError.invalidValue("trial \(number) is waiting and has not started") }
        throw StorageError.trialFinished(number: number, state: state)
    }

    private func trial(id: Int, _ session: PostgresSession) throws -> FrozenTrial {
        guard let row = try session.rows("SELECT \(unescaped: PostgresRows.trialColumns) FROM metatune_trials WHERE id = \(id)").first else {
            throw StorageError.noSuchTrial(id)
        }
        return try withCurve(try decodeTrial(row, session), session)
    }

    private func trial(token: String, _ session: PostgresSession) throws -> FrozenTrial? {
        guard let row = try session.rows("SELECT \(unescaped: PostgresRows.trialColumns) FROM metatune_trials WHERE request_token = \(token)").first else {
            return nil
        }
        return try withCurve(try decodeTrial(row, session), session)
    }

    private func withCurve(_ trial: FrozenTrial, _ session: PostgresSession) throws -> FrozenTrial {
        var trial = trial
        for row in try session.rows("SELECT step, value FROM metatune_intermediate_values WHERE trial_id = \(trial.id)") {
            let (step, value) = try row.decode((Int, Double).self)
            trial.intermediateValues[step] = value
        }
        return trial
    }

    private func decodeTrial(_ row: PostgresRow, _ session: PostgresSession) throws -> FrozenTrial {
        try PostgresRows.trial(row, cache: distributions) { id in
            try session.rows("SELECT body FROM metatune_distributions WHERE id = \(id)").first?.decode(String.self)
        }
    }

    private func studyID(ofTrial trialID: Int, _ session: PostgresSession) throws -> Int? {
        try session.rows("SELECT study_id FROM metatune_trials WHERE id = \(trialID)").first?.decode(Int.self)
    }

    /// The id of `body` among the study's distributions, stored first if it is new.
    private func distributionID(studyID: Int, body: String, _ session: PostgresSession) throws -> Int {
        if let known = distributionIDs.id(studyID: studyID, body: body) { return known }
        try session.execute("""
            INSERT INTO metatune_distributions (study_id, body) VALUES (\(studyID), \(body)) ON CONFLICT (study_id, body) DO NOTHING
            """)
        guard let id = try session.rows("SELECT id FROM metatune_distributions WHERE study_id = \(studyID) AND body = \(body)").first?.decode(Int.self) else {
            throw StorageError.backend("study \(studyID): a distribution could not be stored")
        }
        distributionIDs.remember(studyID: studyID, body: body, id: id)
        return id
    }

    /// Runs `body` (a statement that makes a trial `owner`'s, carrying the token, time and owner
    /// columns given) on a pooled connection; a retry whose lost first attempt committed finds that
    /// trial by its token instead.
    private func starting(_ owner: TrialOwner?,
                          _ body: (PostgresSession, String, Double, String?, Int?, Int?) throws -> FrozenTrial?) throws -> FrozenTrial? {
        try requireWritable()
        let token = UUID().uuidString
        let now = clock().timeIntervalSince1970
        let host = owner?.host, pid = owner.map { Int($0.pid) }, start = owner.map { Int($0.processStart) }
        return try perform { session in
            if session.attempt > 0, let mine = try self.trial(token: token, session) { return mine }
            return try body(session, token, now, host, pid, start)
        }
    }

    private static let trialColumnCount = PostgresRows.trialColumns.split(separator: ",").count

    private static func qualified(_ table: String) -> String {
        PostgresRows.trialColumns.split(separator: ",").map { "\(table).\($0.trimmingCharacters(in: .whitespacesAndNewlines))" }.joined(separator: ", ")
    }

    private func requireWritable() throws {
        if isReadOnly { throw StorageError.backend("the storage \(location) was opened read-only") }
    }

    /// Runs `body` on a pooled connection, retrying transient failures with backoff within the
    /// location's retry window; other failures become `StorageError`s.
    private func perform<T>(_ body: (PostgresSession) throws -> T) throws -> T {
        let deadline = Date().addingTimeInterval(location.retryWindow)
        var attempt = 0, delay = 0.05
        while true {
            do {
                return try pool.withConnection { connection in
                    try body(PostgresSession(connection: connection, pool: pool, attempt: attempt))
                }
            } catch let error as StorageError {
                throw error
            } catch let error as StudyError {
                throw error
            } catch {
                guard PostgresFailure.isTransient(error), Date().addingTimeInterval(delay) < deadline else {
                    throw StorageError.backend(PostgresFailure.message(error, location: location))
                }
                Thread.sleep(forTimeInterval: delay * Double.random(in: 0.5...1))
                delay = min(delay * 2, 2)
                attempt += 1
            }
        }
    }
}

/// The study of each trial this storage started lately (a trial never changes study): spares
/// `setTrialParam` a round trip. Holds at most `capacity` trials, forgetting all when full.
private final class TrialStudies: @unchecked Sendable {
    private let lock = NSLock()
    private var studies: [Int: Int] = [:]
    private let capacity = 4096

    func studyID(ofTrial trialID: Int) -> Int? { lock.withLock { studies[trialID] } }

    func remember(trialID: Int, studyID: Int) {
        lock.withLock {
            if studies.count >= capacity { studies.removeAll(keepingCapacity: true) }
            studies[trialID] = studyID
        }
    }

    func forget(studyID: Int) { lock.withLock { studies = studies.filter { $0.value != studyID } } }
}

/// Distribution ids by study and body: they never change once stored.
private final class DistributionIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: [Int: [String: Int]] = [:]

    func id(studyID: Int, body: String) -> Int? { lock.withLock { ids[studyID]?[body] } }

    func remember(studyID: Int, body: String, id: Int) {
        lock.withLock { if body.utf8.count < 4096 { ids[studyID, default: [:]][body] = id } }
    }

    func forget(studyID: Int) { lock.withLock { ids[studyID] = nil } }
}
