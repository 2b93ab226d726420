import Foundation
import GRDB

/// Looks at an existing store file before `DatabasePool` opens it, because opening for writing
/// already changes a file (WAL mode is set in its header, migrations run). A file that is not
/// SQLite, a store from a newer Refinery, or one carrying SQL this build does not write, must
/// be refused byte-identical.
enum StoreFileInspector {
    /// The first 16 bytes of every SQLite 3 database file.
    static let sqliteHeader = Array("SQLite format 3\0".utf8)

    /// Throws `notSQLite`, `newerSchema` or `unreadableStore`; returns quietly for a missing or
    /// empty file (SQLite treats an empty file as an empty database) and for a known schema.
    static func refuseForeignOrNewer(_ url: URL) throws {
        let path = url.path
        guard try refuseNotSQLite(url) else { return }

        // A read-only connection cannot modify the file, whatever it finds.
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(ProvenanceStore.busyTimeout)
        configuration.prepareDatabase { db in try ForeignStoreHardening.applyToForeignFile(db) }
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            try queue.read { db in
                try refuseNewer(db, path: path)
                try StoreSchema.refuseForeign(db, path: path)
            }
        } catch let error as ProvenanceError {
            throw error
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB:
                throw ProvenanceError.notSQLite(path: path)
            case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_CANTOPEN, .SQLITE_READONLY:
                // Transient or environmental (another process holds the store, the -shm file
                // cannot be created read-only): the same check runs again under the write lock
                // before any migration, so let the normal open proceed.
                return
            default:
                throw ProvenanceError.unreadableStore(path: path, reason: error.message ?? "\(error)")
            }
        }
    }

    /// Throws `notSQLite` unless the file starts with the SQLite header (on the raw bytes);
    /// false for a missing or empty file.
    static func refuseNotSQLite(_ url: URL) throws -> Bool {
        let path = url.path
        guard FileManager.default.fileExists(atPath: path) else { return false }
        let head: [UInt8]
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            head = Array(try handle.read(upToCount: sqliteHeader.count) ?? Data())
        } catch {
            throw ProvenanceError.unreadableStore(path: path, reason: error.localizedDescription)
        }
        if head.isEmpty { return false }
        guard head == sqliteHeader else { throw ProvenanceError.notSQLite(path: path) }
        return true
    }

    /// Throws `newerSchema` when the store's `user_version` exceeds this build's, or when it
    /// records migrations this build does not know.
    static func refuseNewer(_ db: Database, path: String) throws {
        let found = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        let applied = try ProvenanceSchema.migrator.appliedIdentifiers(db)
        let unknown = applied.subtracting(ProvenanceSchema.migrationNames).sorted()
        if found > ProvenanceSchema.version || !unknown.isEmpty {
            throw ProvenanceError.newerSchema(path: path, found: found, supported: ProvenanceSchema.version,
                                              unknownMigrations: unknown)
        }
    }
}
