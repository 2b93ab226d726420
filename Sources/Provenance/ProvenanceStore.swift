import Foundation
import GRDB

/// The provenance store of a workspace: `<workspace>/provenance.sqlite`, an SQLite database in
/// WAL mode recording every run, every artifact version (path + SHA-256) and which run used and
/// produced which. See docs/provenance.md for the schema.
///
/// Several processes may write the same store at once (Slurm job arrays, two `train --only`):
/// every write is one short IMMEDIATE transaction, and a writer that finds the store locked
/// waits up to `busyTimeout` seconds. Opening a store marks the runs whose process died on
/// this host as `interrupted`.
///
/// The store knows nothing of plugins, learners or simulation; the host decides what to record.
public final class ProvenanceStore: Sendable {
    /// The store's file name inside the workspace.
    public static let fileName = "provenance.sqlite"
    /// Seconds a writer waits for another process's write transaction before failing.
    public static let busyTimeout: TimeInterval = 10
    /// The schema version this build writes and understands (`PRAGMA user_version`).
    public static var schemaVersion: Int { ProvenanceSchema.version }

    /// The store file.
    public let url: URL
    /// The workspace folder.
    public let workspaceRoot: URL
    /// A pool in WAL mode; for a store opened by `openForReading` on a workspace that cannot be
    /// written, one read-only, immutable connection.
    let pool: any DatabaseWriter

    init(pool: any DatabaseWriter, url: URL, workspaceRoot: URL) {
        self.pool = pool
        self.url = url
        self.workspaceRoot = workspaceRoot
    }

    /// Opens `<root>/provenance.sqlite`, creating or migrating it, then marks runs whose
    /// process is gone as interrupted.
    ///
    /// A file that is not SQLite, a store from a newer Refinery, or one whose schema holds
    /// anything this build does not write (triggers, views, other tables; `StoreSchema`) is
    /// refused without being modified (checked on the raw bytes and through a read-only,
    /// hardened connection first).
    public static func open(workspace root: URL) throws -> ProvenanceStore {
        try open(file: root.standardizedFileURL.appendingPathComponent(fileName), workspace: root)
    }

    /// Opens the store file `url` recording the workspace at `root` (paths relative to it):
    /// the workspace's own store, or a cluster task's private journal (docs/cluster.md).
    public static func open(file url: URL, workspace root: URL) throws -> ProvenanceStore {
        let root = root.standardizedFileURL
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ProvenanceError.workspaceMissing(path: root.path)
        }
        let url = url.standardizedFileURL
        try StoreFileInspector.refuseForeignOrNewer(url)

        let pool = try openPool(url)
        let store = ProvenanceStore(pool: pool, url: url, workspaceRoot: root)
        try store.migrate()
        try store.markInterruptedRuns()
        return store
    }

    /// Opens the pool, which switches the file to WAL mode. When several processes create the
    /// same store at once, SQLite can answer that switch with SQLITE_BUSY without calling the
    /// busy handler, so busy errors are retried here until the busy timeout.
    private static func openPool(_ url: URL) throws -> DatabasePool {
        let deadline = Date().addingTimeInterval(busyTimeout)
        while true {
            do {
                return try DatabasePool(path: url.path, configuration: configuration())
            } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
                throw ProvenanceError.notSQLite(path: url.path)
            } catch let error as DatabaseError where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED)
                                                     && Date() < deadline {
                // A short random pause so that the competing openers do not retry in step.
                Thread.sleep(forTimeInterval: Double.random(in: 0.005...0.05))
            } catch {
                throw ProvenanceError.unreadableStore(path: url.path, reason: Self.reason(error))
            }
        }
    }

    /// Closes the store's connections (also done when the store is released). Later calls fail.
    public func close() throws {
        try perform("close the store") { try pool.close() }
    }

    static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "Refinery.Provenance"
        configuration.prepareDatabase { db in
            // Before any statement: no SQL the file carries may run with side effects.
            try ForeignStoreHardening.applyToOwnStore(db)
            // In WAL mode NORMAL is crash-safe (a killed process loses nothing committed); it
            // skips the fsync per commit, which keeps recording far below 1% of a train run.
            try db.cachedExecute("PRAGMA synchronous = NORMAL")
        }
        return configuration
    }

    /// Runs the migrations under the write lock, after checking again (now that other
    /// processes are excluded) that the store is not newer than this build.
    ///
    /// GRDB's migrator reads the applied migrations before taking the lock for each one, so two
    /// processes creating the same fresh store can both try "v1-core"; the loser fails with
    /// "table already exists". Retrying re-reads the applied list and finds nothing to do.
    private func migrate() throws {
        let migrator = ProvenanceSchema.migrator
        let path = url.path
        var attempt = 0
        while true {
            attempt += 1
            do {
                try pool.write { db in
                    try StoreFileInspector.refuseNewer(db, path: path)
                    // Under the write lock and before any write: a trigger or view in the
                    // file must never run, on this or any later command.
                    try StoreSchema.refuseForeign(db, path: path)
                }
                try migrator.migrate(pool)
                return
            } catch let error as ProvenanceError {
                throw error
            } catch {
                if attempt < 4 { continue }
                throw ProvenanceError.database(path: path, operation: "create or migrate the schema", reason: Self.reason(error))
            }
        }
    }

    /// Runs `body`, turning database errors into `ProvenanceError.database` naming the store and
    /// the operation.
    func perform<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as ProvenanceError {
            throw error
        } catch {
            throw ProvenanceError.database(path: url.path, operation: operation, reason: Self.reason(error))
        }
    }

    static func reason(_ error: Error) -> String {
        if let error = error as? DatabaseError {
            return "\(error.message ?? "SQLite error") (SQLite code \(error.extendedResultCode.rawValue))"
        }
        return "\(error)"
    }
}
