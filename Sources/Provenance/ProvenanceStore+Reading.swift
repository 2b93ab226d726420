import Foundation
import GRDB

extension ProvenanceStore {
    /// Opens an existing store for queries (`provenance *`, `verify`): normally as `open` does;
    /// where the workspace cannot be written — a read-only file system or mount, a full disk —
    /// read-only and immutable, so that queries still answer (issue 11, item 6).
    ///
    /// Immutable means SQLite takes no locks and creates no `-shm`/`-wal` files (on a read-only
    /// file system it could not, and on a full disk creating the shared-memory file can fail or
    /// fault). Nothing is migrated and no run is marked interrupted; a store of an older schema
    /// is refused with the advice to open it once where it can be written. If a killed process
    /// left committed transactions in a `-wal` file, an immutable reader does not see them: the
    /// answer is then that of the last checkpoint (docs/provenance.md says so).
    public static func openForReading(workspace root: URL) throws -> ProvenanceStore {
        let root = root.standardizedFileURL
        guard !isUnwritable(root) else { return try openImmutable(workspace: root) }
        return try open(workspace: root)
    }

    /// Free space below which a store is not opened for writing: SQLite needs room for its
    /// shared-memory and journal files.
    static let minimumFreeBytes: UInt64 = 1 << 20

    /// The workspace is on a read-only file system, not writable by this user, or on a disk
    /// with less than `minimumFreeBytes` free.
    static func isUnwritable(_ root: URL) -> Bool {
        if access(root.path, W_OK) != 0 { return true }
        var stats = statvfs()
        guard statvfs(root.path, &stats) == 0 else { return false }
        if stats.f_flag & UInt(ST_RDONLY) != 0 { return true }
        return UInt64(stats.f_bavail) * UInt64(stats.f_frsize) < minimumFreeBytes
    }

    private static func openImmutable(workspace root: URL) throws -> ProvenanceStore {
        let url = root.appendingPathComponent(fileName)
        // The header on the raw bytes; the schema through the immutable connection below (a
        // normal read-only connection would need a shared-memory file).
        guard try StoreFileInspector.refuseNotSQLite(url) else {
            throw ProvenanceError.unreadableStore(path: url.path, reason: "it is empty, and this workspace cannot be written")
        }
        var configuration = configuration()
        configuration.readonly = true
        // A URI filename (Debian's SQLite is built with SQLITE_USE_URI); '?' and '#' in the
        // path would end it, so they are percent-encoded.
        let encoded = url.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#"))) ?? url.path
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: "file:\(encoded)?immutable=1", configuration: configuration)
        } catch {
            throw ProvenanceError.unreadableStore(path: url.path, reason: reason(error))
        }
        let store = ProvenanceStore(pool: queue, url: url, workspaceRoot: root)
        try store.perform("check the schema") {
            try queue.read { db in
                try StoreFileInspector.refuseNewer(db, path: url.path)
                try StoreSchema.refuseForeign(db, path: url.path)
                guard StoreSchema.level(of: try StoreSchema.objects(db)) == StoreSchema.levels.count - 1 else {
                    throw ProvenanceError.unreadableStore(path: url.path, reason: "it has an older schema, which this build migrates only where it can write; open the workspace once on a writable disk (any `refinery` command does it)")
                }
            }
        }
        return store
    }
}
