import Foundation
import GRDB
import MetaTune

/// Studies in an embedded SQLite file (through GRDB), shared safely by many threads and by many
/// processes on one machine: WAL journaling, writes serialized by SQLite's lock (immediate
/// transactions, with a busy timeout), trial numbers allocated inside the write that creates
/// the trial. Open each file once per process and share the storage object.
public final class SQLiteStorage: Storage, @unchecked Sendable {
    /// The database file.
    public let path: String
    /// A pool for a writable storage, a read-only queue for one opened `readOnly`.
    private let pool: any DatabaseWriter
    /// Trials' distributions, resolved once per distinct text and decoded once per id.
    private let distributionCache = DistributionCache()
    private let clock: @Sendable () -> Date
    /// The file opened for writing; every write first checks that `path` still names it.
    private let openedFile: FileIdentity?
    /// This storage's own `-wal` and `-shm` files, as they were when it opened.
    private let journalFiles: [(path: String, identity: FileIdentity)]

    /// Opens (creating if needed) the storage at `path` and brings its schema up to date.
    /// Fails with a clear message — without touching the file — when its directory is missing,
    /// when the file is not a SQLite database, or when it is some other program's database.
    ///
    /// With `readOnly`, the file must already exist; nothing is created or written (no journal
    /// files either, and the schema is not upgraded), so a file the user may only read can be
    /// opened, and writing through the storage fails with an error.
    public init(path: String, readOnly: Bool = false, busyTimeout: TimeInterval = 60,
                clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.path = path
        self.clock = clock
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory.isEmpty ? "." : directory, isDirectory: &isDirectory)
            || !isDirectory.boolValue {
            throw StorageError.backend("cannot open storage '\(path)': directory '\(directory)' does not exist")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
            guard !isDirectory.boolValue, type == .typeRegular else {
                throw StorageError.backend("cannot open storage '\(path)': it is \(isDirectory.boolValue ? "a directory" : "not a regular file")")
            }
        } else if readOnly {
            throw StorageError.backend("no storage at '\(path)' (the file does not exist)")
        }
        try Self.checkHeader(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "MetaTune"
        if readOnly {
            configuration.readonly = true
            do {
                let queue = try Self.openReadOnly(path: path, configuration: configuration)
                try Self.checkOwnership(queue, path: path)
                guard try queue.read({ try SQLiteSchema.migrator.hasCompletedMigrations($0) }) else {
                    throw StorageError.backend("storage '\(path)' holds no MetaTune studies yet, or was written by an older MetaTune (a command that writes, such as `metatune study create`, brings it up to date)")
                }
                pool = queue
                openedFile = nil
                journalFiles = []
            } catch let error as DatabaseError {
                throw StorageError.backend("cannot open storage '\(path)': \(error.message ?? error.description)")
            }
            return
        }
        configuration.prepareDatabase { db in
            // In WAL mode NORMAL keeps every committed transaction across application crashes
            // (kill -9 included); only a power loss may drop the last commits. It saves an fsync
            // per write, which dominated the cost of a trial.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try Self.openAndMigrate(path: path, configuration: configuration)
        } catch let error as DatabaseError {
            throw StorageError.backend("cannot open storage '\(path)': \(error.message ?? error.description)")
        }
        openedFile = FileIdentity(path: path)
        journalFiles = ["-wal", "-shm"].compactMap { suffix in FileIdentity(path: path + suffix).map { (path + suffix, $0) } }
    }

    /// Inspects an existing file read-only (a file that is not ours must not be changed at all:
    /// opening the pool would switch it to WAL journaling), then opens the pool and migrates.
    /// Several processes may create a new file at once: one may see another's half-made schema,
    /// a lock, or lose the race to apply the first migration (its transaction rolls back). Such
    /// database errors are retried for a few seconds; a foreign or non-SQLite file is not.
    private static func openAndMigrate(path: String, configuration: Configuration) throws -> DatabasePool {
        var attempt = 0
        while true {
            do {
                if FileManager.default.fileExists(atPath: path) {
                    var inspection = configuration
                    inspection.readonly = true
                    try checkOwnership(try DatabaseQueue(path: path, configuration: inspection), path: path)
                }
                let pool = try DatabasePool(path: path, configuration: configuration)
                try SQLiteSchema.migrator.migrate(pool)
                return pool
            } catch let error as DatabaseError
                where attempt < 60 && [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_ERROR].contains(error.resultCode) {
                attempt += 1
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
    }

    /// A read-only connection that creates no file. SQLite opens a WAL database read-only by
    /// creating its `-wal` and `-shm` files when they are missing; they are missing exactly when
    /// no process has the storage open, and then the file is opened as immutable (nothing else is
    /// writing it). When a runner has it open, its files exist and the plain read-only open
    /// shares them.
    private static func openReadOnly(path: String, configuration: Configuration) throws -> DatabaseQueue {
        let inUse = FileManager.default.fileExists(atPath: path + "-wal") || FileManager.default.fileExists(atPath: path + "-shm")
        if !inUse, let encoded = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed),
           let queue = try? DatabaseQueue(path: "file:\(encoded)?immutable=1", configuration: configuration) {
            return queue
        }
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// A file that exists must start like a SQLite database.
    private static func checkHeader(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        if !header.isEmpty && header != Data("SQLite format 3\0".utf8) {
            throw StorageError.backend("cannot open storage '\(path)': the file is not a SQLite database")
        }
    }

    /// A database with tables must be a MetaTune storage (or an empty file).
    private static func checkOwnership(_ pool: some DatabaseReader, path: String) throws {
        let tables = try pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        let own: Set<String> = ["grdb_migrations", "metatune_info", "studies", "trials", "intermediate_values", "sqlite_sequence"]
        let foreign = tables.filter { !own.contains($0) }
        if !foreign.isEmpty && !tables.contains("metatune_info") {
            throw StorageError.backend("cannot open storage '\(path)': it is a SQLite database of another program (tables: \(foreign.sorted().prefix(5).joined(separator: ", ")))")
        }
        guard tables.contains("grdb_migrations") else { return }
        let applied = try pool.read { try SQLiteSchema.migrator.appliedIdentifiers($0) }
        let known = Set(SQLiteSchema.migrator.migrations)
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw StorageError.backend("cannot open storage '\(path)': it was written by a newer MetaTune (schema '\(unknown)')")
        }
    }

    // MARK: - Studies

    public func createStudy(name: String, direction: StudyDirection) throws -> StudyRecord {
        try StudyName.validate(name)
        return try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM studies WHERE name = ?", arguments: [name]) != nil {
                throw StorageError.studyExists(name)
            }
            try db.execute(sql: "INSERT INTO studies (name, direction, created_at) VALUES (?, ?, ?)",
                           arguments: [name, direction.rawValue, self.clock().timeIntervalSince1970])
            return try SQLiteRows.study(Row.fetchOne(db, sql: "SELECT * FROM studies WHERE id = ?",
                                                     arguments: [db.lastInsertedRowID])!)
        }
    }

    public func study(named name: String) throws -> StudyRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM studies WHERE name = ?", arguments: [name]).map(SQLiteRows.study)
        }
    }

    public func allStudies() throws -> [StudyRecord] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM studies ORDER BY id").map(SQLiteRows.study) }
    }

    public func deleteStudy(id: Int) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM studies WHERE id = ?", arguments: [id])
            if db.changesCount == 0 { throw StorageError.noSuchStudyID(id) }
        }
    }

    public func setStudyAttribute(studyID: Int, key: String, value: JSONValue, system: Bool) throws {
        let column = system ? "system_attrs" : "user_attrs"
        try write { db in
            guard let text = try String.fetchOne(db, sql: "SELECT \(column) FROM studies WHERE id = ?", arguments: [studyID]) else {
                throw StorageError.noSuchStudyID(studyID)
            }
            var attributes = try StoredColumns.decode([String: JSONValue].self, text)
            attributes[key] = value
            try db.execute(sql: "UPDATE studies SET \(column) = ? WHERE id = ?",
                           arguments: [try StoredColumns.json(attributes), studyID])
        }
    }

    // MARK: - Trials

    public func createTrial(studyID: Int, state: TrialState, systemAttributes: [String: JSONValue], owner: TrialOwner?,
                            limit: Int?) throws -> FrozenTrial? {
        guard state == .running || state == .waiting else {
            throw StorageError.invalidValue("a new trial must be running or waiting, not \(state.rawValue)")
        }
        return try write { db in
            guard let count = try Int.fetchOne(db, sql: "SELECT trial_count FROM studies WHERE id = ?", arguments: [studyID]) else {
                throw StorageError.noSuchStudyID(studyID)
            }
            if let limit, count >= limit { return nil }
            let revision = try self.bumpRevision(db, studyID: studyID)
            let now = self.clock().timeIntervalSince1970
            let running = state == .running
            try db.execute(sql: """
                INSERT INTO trials (study_id, number, state, system_attrs, started_at, heartbeat_at,
                                    owner_host, owner_pid, owner_start, revision)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [studyID, count, state.rawValue, try StoredColumns.json(systemAttributes),
                                 running ? now : nil, running ? now : nil,
                                 running ? owner?.host : nil, running ? owner?.pid : nil,
                                 running ? owner?.processStart : nil, revision])
            try db.execute(sql: "UPDATE studies SET trial_count = trial_count + 1 WHERE id = ?", arguments: [studyID])
            return try self.loadTrial(db, id: Int(db.lastInsertedRowID))
        }
    }

    public func claimWaitingTrial(studyID: Int, owner: TrialOwner?) throws -> FrozenTrial? {
        // Most asks find nothing waiting: check with a cheap read before taking the write lock.
        let anyWaiting = try read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM trials WHERE study_id = ? AND state = 'waiting' LIMIT 1", arguments: [studyID]) != nil
        }
        guard anyWaiting else { return nil }
        return try write { db in
            guard let id = try Int.fetchOne(db, sql: """
                SELECT id FROM trials WHERE study_id = ? AND state = 'waiting' ORDER BY number LIMIT 1
                """, arguments: [studyID]) else { return nil }
            let now = self.clock().timeIntervalSince1970
            let revision = try self.bumpRevision(db, studyID: studyID)
            try db.execute(sql: """
                UPDATE trials SET state = 'running', started_at = ?, heartbeat_at = ?,
                                  owner_host = ?, owner_pid = ?, owner_start = ?, revision = ?
                WHERE id = ?
                """, arguments: [now, now, owner?.host, owner?.pid, owner?.processStart, revision, id])
            return try self.loadTrial(db, id: id)
        }
    }

    public func handOverTrial(trialID: Int, from expected: TrialOwner?, to owner: TrialOwner?) throws -> Bool {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM trials WHERE id = ?", arguments: [trialID]) else {
                throw StorageError.noSuchTrial(trialID)
            }
            let state = TrialState(rawValue: row["state"]) ?? .failed
            guard state == .running else {
                if state == .waiting { throw StorageError.invalidValue("trial \(row["number"] as Int) is waiting and has not started") }
                throw StorageError.trialFinished(number: row["number"], state: state)
            }
            let current: TrialOwner? = (row["owner_host"] as String?).map {
                TrialOwner(host: $0, pid: row["owner_pid"], processStart: row["owner_start"] ?? 0)
            }
            guard current == expected || current == owner else { return false }
            let revision = try self.bumpRevision(db, studyID: row["study_id"])
            try db.execute(sql: """
                UPDATE trials SET owner_host = ?, owner_pid = ?, owner_start = ?, heartbeat_at = ?, revision = ? WHERE id = ?
                """, arguments: [owner?.host, owner?.pid, owner?.processStart, self.clock().timeIntervalSince1970, revision, trialID])
            return true
        }
    }

    public func setTrialParam(trialID: Int, name: String, value: ParamValue, distribution: Distribution) throws {
        guard let raw = distribution.internalValue(of: value) else {
            throw StorageError.invalidValue(SearchSpaceError.valueNotInDistribution(
                name: name, value: value.description, distribution: distribution.summary).description)
        }
        try updateRunning(trialID) { db, row in
            var params = try StoredColumns.decode([String: Double].self, row["params"])
            var distributions = try StoredColumns.decode([String: Int].self, row["distributions"])
            params[name] = raw
            distributions[name] = try SQLiteRows.distributionID(db, studyID: row["study_id"], distribution: distribution)
            return ("params = ?, distributions = ?", [try StoredColumns.json(params), try StoredColumns.json(distributions)])
        }
    }

    public func setIntermediateValues(trialID: Int, values: [Int: Double]) throws {
        guard !values.isEmpty else { return }
        try updateRunning(trialID) { db, row in
            let revision = try Int.fetchOne(db, sql: "SELECT revision FROM studies WHERE id = ?", arguments: [row["study_id"]])
            let insert = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO intermediate_values (trial_id, step, value, revision) VALUES (?, ?, ?, ?)
                """)
            for (step, value) in values {
                try insert.execute(arguments: [trialID, step, value.isNaN ? nil : value, revision])
            }
            return nil
        }
    }

    public func setTrialAttribute(trialID: Int, key: String, value: JSONValue, system: Bool) throws {
        let column = system ? "system_attrs" : "user_attrs"
        try updateTrial(trialID, requireRunning: false) { _, row in
            var attributes = try StoredColumns.decode([String: JSONValue].self, row[column])
            attributes[key] = value
            return ("\(column) = ?", [try StoredColumns.json(attributes)])
        }
    }

    public func recordHeartbeat(trialID: Int) throws {
        let now = clock().timeIntervalSince1970
        try updateRunning(trialID) { _, _ in ("heartbeat_at = ?", [now]) }
    }

    public func finishTrial(trialID: Int, state: TrialState, value: Double?, reason: String?) throws {
        guard state.isFinished else { throw StorageError.invalidValue("cannot finish a trial as \(state.rawValue)") }
        if state == .complete {
            guard let value, value.isFinite else { throw StorageError.invalidValue("a complete trial needs a finite value") }
        }
        let now = clock().timeIntervalSince1970
        try updateRunning(trialID) { _, _ in
            ("state = ?, value = ?, fail_reason = ?, completed_at = ?",
             [state.rawValue, state == .complete ? value : nil, reason, now])
        }
    }

    public func trial(id: Int) throws -> FrozenTrial {
        try read { db in try self.loadTrial(db, id: id) }
    }

    /// One query for the trials and one for their learning curves, reading only the columns
    /// meta-learning needs by position (1,000 studies × 100 trials are read for every new study).
    public func completeTrialsByStudy() throws -> [Int: [FrozenTrial]] {
        try read { db in
            let cache = self.distributionCache
            try SQLiteRows.preloadDistributions(cache, in: db)
            var byStudy: [Int: [FrozenTrial]] = [:]
            var position: [Int: (study: Int, index: Int)] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT study_id, id, number, value, params, distributions, user_attrs FROM trials
                WHERE state = ? ORDER BY study_id, number
                """, arguments: [TrialState.complete.rawValue])
            var studyID = -1
            var trials: [FrozenTrial] = []
            var last: (text: String?, distributions: [String: Distribution])?
            while let row = try rows.next() {
                let rowStudy: Int = row[0]
                if rowStudy != studyID {
                    if !trials.isEmpty { byStudy[studyID] = trials }
                    studyID = rowStudy
                    trials = []
                }
                let id: Int = row[1]
                let text: String? = row[5]
                let distributions = try last.flatMap { $0.text == text ? $0.distributions : nil } ?? SQLiteRows.distributions(text, cache: cache, in: db)
                last = (text, distributions)
                position[id] = (studyID, trials.count)
                trials.append(FrozenTrial(id: id, number: row[2], state: .complete, value: row[3],
                                          params: try StoredColumns.params(row[4], distributions: distributions, trialID: id),
                                          distributions: distributions, userAttributes: try StoredColumns.attributes(row[6])))
            }
            if !trials.isEmpty { byStudy[studyID] = trials }
            let values = try Row.fetchCursor(db, sql: """
                SELECT v.trial_id, v.step, v.value FROM intermediate_values v JOIN trials t ON t.id = v.trial_id
                WHERE t.state = ?
                """, arguments: [TrialState.complete.rawValue])
            while let row = try values.next() {
                if let (study, index) = position[row[0]] { byStudy[study]?[index].intermediateValues[row[1]] = row[2] ?? .nan }
            }
            return byStudy
        }
    }

    public func trials(studyID: Int, changedAfter revision: Int) throws -> TrialChanges {
        try read { db in
            guard let current = try Int.fetchOne(db, sql: "SELECT revision FROM studies WHERE id = ?", arguments: [studyID]) else {
                throw StorageError.noSuchStudyID(studyID)
            }
            guard revision < current else { return TrialChanges(trials: [], revision: current) }
            let cache = self.distributionCache
            var trials = try Row.fetchAll(db, sql: """
                SELECT * FROM trials WHERE study_id = ? AND revision > ? ORDER BY number
                """, arguments: [studyID, revision]).map { try SQLiteRows.trial($0, distributions: cache, in: db) }
            var index: [Int: Int] = [:]
            for (position, trial) in trials.enumerated() { index[trial.id] = position }
            // Only the values set after `revision` (all of them on a first read), through the
            // index on (trial_id, revision): a running trial's long curve is not read again.
            let values = try Row.fetchAll(db, sql: """
                SELECT v.trial_id, v.step, v.value FROM intermediate_values v JOIN trials t ON t.id = v.trial_id
                WHERE t.study_id = ? AND t.revision > ?\(revision > 0 ? " AND v.revision > ?" : "")
                """, arguments: StatementArguments(revision > 0 ? [studyID, revision, revision] : [studyID, revision]))
            for row in values {
                if let position = index[row["trial_id"]] {
                    trials[position].intermediateValues[row["step"]] = row["value"] ?? .nan
                }
            }
            return TrialChanges(trials: trials, revision: current)
        }
    }

    public func importStudy(_ record: StudyRecord, trials: [FrozenTrial]) throws -> StudyRecord {
        let ordered = try StudyImport.validate(record, trials: trials)
        return try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM studies WHERE name = ?", arguments: [record.name]) != nil {
                throw StorageError.studyExists(record.name)
            }
            try db.execute(sql: """
                INSERT INTO studies (name, direction, user_attrs, system_attrs, created_at, revision, trial_count)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [record.name, record.direction.rawValue, try StoredColumns.json(record.userAttributes),
                                 try StoredColumns.json(record.systemAttributes), record.createdAt.timeIntervalSince1970,
                                 ordered.count, ordered.count])
            let studyID = Int(db.lastInsertedRowID)
            let insertTrial = try db.cachedStatement(sql: """
                INSERT INTO trials (study_id, number, state, value, params, distributions, user_attrs, system_attrs,
                                    started_at, completed_at, heartbeat_at, fail_reason, owner_host, owner_pid, owner_start, revision)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let insertValue = try db.cachedStatement(sql: "INSERT INTO intermediate_values (trial_id, step, value, revision) VALUES (?, ?, ?, ?)")
            for (index, trial) in ordered.enumerated() {
                var raws: [String: Double] = [:], ids: [String: Int] = [:]
                for (name, value) in trial.params {
                    guard let distribution = trial.distributions[name], let raw = distribution.internalValue(of: value) else { continue }
                    raws[name] = raw
                    ids[name] = try SQLiteRows.distributionID(db, studyID: studyID, distribution: distribution)
                }
                let arguments: [DatabaseValueConvertible?] = [
                    studyID, trial.number, trial.state.rawValue, trial.value, try StoredColumns.json(raws), try StoredColumns.json(ids),
                    try StoredColumns.json(trial.userAttributes), try StoredColumns.json(trial.systemAttributes),
                    trial.startedAt?.timeIntervalSince1970, trial.completedAt?.timeIntervalSince1970, trial.heartbeatAt?.timeIntervalSince1970,
                    trial.failReason, trial.owner?.host, trial.owner?.pid, trial.owner?.processStart, index + 1,
                ]
                try insertTrial.execute(arguments: StatementArguments(arguments))
                let trialID = db.lastInsertedRowID
                for (step, value) in trial.intermediateValues {
                    try insertValue.execute(arguments: [trialID, step, value.isNaN ? nil : value, index + 1])
                }
            }
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM studies WHERE id = ?", arguments: [studyID]) else {
                throw StorageError.noSuchStudyID(studyID)
            }
            return try SQLiteRows.study(row)
        }
    }

    // MARK: - Helpers

    private func bumpRevision(_ db: Database, studyID: Int) throws -> Int {
        guard let revision = try Int.fetchOne(db, sql: "UPDATE studies SET revision = revision + 1 WHERE id = ? RETURNING revision",
                                              arguments: [studyID]) else {
            throw StorageError.noSuchStudyID(studyID)
        }
        return revision
    }

    private func loadTrial(_ db: Database, id: Int) throws -> FrozenTrial {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM trials WHERE id = ?", arguments: [id]) else {
            throw StorageError.noSuchTrial(id)
        }
        var trial = try SQLiteRows.trial(row, distributions: distributionCache, in: db)
        for value in try Row.fetchAll(db, sql: "SELECT step, value FROM intermediate_values WHERE trial_id = ?", arguments: [id]) {
            trial.intermediateValues[value["step"]] = value["value"] ?? .nan
        }
        return trial
    }

    private func updateRunning(_ trialID: Int,
                               _ change: @escaping (Database, Row) throws -> (String, [DatabaseValueConvertible?])?) throws {
        try updateTrial(trialID, requireRunning: true, change)
    }

    /// Applies a change to one trial inside a write transaction and stamps the study's next revision.
    private func updateTrial(_ trialID: Int, requireRunning: Bool,
                             _ change: @escaping (Database, Row) throws -> (String, [DatabaseValueConvertible?])?) throws {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM trials WHERE id = ?", arguments: [trialID]) else {
                throw StorageError.noSuchTrial(trialID)
            }
            let state = TrialState(rawValue: row["state"]) ?? .failed
            if requireRunning && state != .running {
                if state == .waiting { throw StorageError.invalidValue("trial \(row["number"] as Int) is waiting and has not started") }
                throw StorageError.trialFinished(number: row["number"], state: state)
            }
            let revision = try self.bumpRevision(db, studyID: row["study_id"])
            if let (assignments, values) = try change(db, row) {
                try db.execute(sql: "UPDATE trials SET \(assignments), revision = ? WHERE id = ?",
                               arguments: StatementArguments(values + [revision, trialID]))
            } else {
                try db.execute(sql: "UPDATE trials SET revision = ? WHERE id = ?", arguments: [revision, trialID])
            }
        }
    }

    private func write<T>(_ body: @escaping (Database) throws -> T) throws -> T {
        if let openedFile, FileIdentity(path: path) != openedFile {
            releaseJournalFiles()
            throw StorageError.storageFileGone(path: path, replaced: FileIdentity(path: path) != nil)
        }
        do {
            return try pool.write(body)
        } catch let error as DatabaseError {
            throw StorageError.backend("storage '\(path)': \(error.message ?? error.description)")
        }
    }

    /// Removes this storage's own `-wal` and `-shm` files once its database file is gone: SQLite
    /// finds a journal by name, so the next program to open a file put at `path` would otherwise
    /// replay this storage's journal into it. Journal files that are not this storage's (another
    /// program's, for the new file) are left alone.
    private func releaseJournalFiles() {
        for (journal, identity) in journalFiles where FileIdentity(path: journal) == identity {
            unlink(journal)
        }
    }

    private func read<T>(_ body: @escaping (Database) throws -> T) throws -> T {
        do {
            return try pool.read(body)
        } catch let error as DatabaseError {
            throw StorageError.backend("storage '\(path)': \(error.message ?? error.description)")
        }
    }
}
