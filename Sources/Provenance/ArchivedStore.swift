import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Provenance stores that cross a trust boundary: the one an archive brings (`unpack`) and
/// the one an archive takes away (`pack`). Both go through `copyClean`, so what leaves and
/// what arrives is the same clean form: a store freshly created by this build's schema,
/// holding the rows of the original and nothing else.
public enum ArchivedStore {
    /// SQLite's companion files of a database: write-ahead log, its index, rollback journal.
    static let sidecarSuffixes = ["-wal", "-shm", "-journal"]

    /// Checks the store file `source` against the exact schema this build writes and copies
    /// its rows into a new store at `destination` (replacing any file there, and removing any
    /// stale `-wal`/`-shm`/`-journal` beside it). Throws `foreignSchema` naming every trigger,
    /// view, unknown or altered table or index (nothing is written then), `notSQLite`,
    /// `newerSchema`, or `importFailed` for rows this schema does not admit.
    ///
    /// No SQL from `source` ever runs: the file is first copied alone into a private folder
    /// (so no `-wal` or journal beside the original is ever combined with it, and its header
    /// is set to rollback mode so a read-only open needs no `-shm`), opened read-only with
    /// triggers and views disabled, defensive mode on and an untrusted schema, and its
    /// `sqlite_master` is compared with the expected objects before any row is read. Rows are
    /// read by naming this build's columns of this build's tables only, and inserted through
    /// this build's schema, whose constraints check them.
    public static func copyClean(from source: URL, to destination: URL) throws {
        let destination = destination.standardizedFileURL
        let scratch = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).import-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: false)
        } catch {
            throw ProvenanceError.importFailed(path: source.path, reason: "cannot create \(scratch.path): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }
        let privateCopy = scratch.appendingPathComponent("foreign.sqlite")
        let clean = scratch.appendingPathComponent("clean.sqlite")
        try isolate(source, into: privateCopy)

        let foreign = try openForeign(privateCopy, reportedAs: source.path)
        defer { try? foreign.close() }
        let empty = try createEmpty(clean)
        do {
            try foreign.read { from in
                try checkSchema(from, path: source.path)
                try empty.writeWithoutTransaction { to in
                    try to.inTransaction {
                        try copyRows(from: from, to: to)
                        return .commit
                    }
                }
            }
            try empty.close()
        } catch let error as ProvenanceError {
            throw error
        } catch {
            throw ProvenanceError.importFailed(path: source.path, reason: ProvenanceStore.reason(error))
        }
        try finalize(clean, to: destination, reportedAs: source.path)
    }

    /// Replaces the store file at `url` by its clean copy (`copyClean`), or throws leaving it
    /// as it was: the form for `UnpackOptions.vetStagedMember`, which hands over a staged file.
    public static func replaceWithCleanCopy(_ url: URL) throws {
        let clean = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).clean-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: clean) }
        try copyClean(from: url, to: clean)
        guard rename(clean.path, url.path) == 0 else {
            throw ProvenanceError.importFailed(path: url.path, reason: "cannot replace it: \(String(cString: strerror(errno)))")
        }
    }

    /// Copies `source` alone to `copy` and marks the copy as a rollback-journal database
    /// (header bytes 18–19 = 1): the main file of a WAL database is a complete database as of
    /// its last checkpoint, and the log beside the original is deliberately not taken along.
    static func isolate(_ source: URL, into copy: URL) throws {
        var bytes: Data
        do { bytes = try Data(contentsOf: source) } catch {
            throw ProvenanceError.unreadableStore(path: source.path, reason: error.localizedDescription)
        }
        guard bytes.count >= 100, Array(bytes.prefix(16)) == StoreFileInspector.sqliteHeader else {
            throw ProvenanceError.notSQLite(path: source.path)
        }
        bytes[bytes.startIndex + 18] = 1
        bytes[bytes.startIndex + 19] = 1
        do { try bytes.write(to: copy) } catch {
            throw ProvenanceError.importFailed(path: source.path, reason: "cannot write \(copy.path): \(error.localizedDescription)")
        }
    }

    /// A read-only, hardened connection to a file nobody vouches for.
    static func openForeign(_ url: URL, reportedAs path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.foreignKeysEnabled = false
        configuration.label = "Refinery.ForeignStore"
        configuration.prepareDatabase { db in try ForeignStoreHardening.applyToForeignFile(db) }
        do {
            return try DatabaseQueue(path: url.path, configuration: configuration)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw ProvenanceError.notSQLite(path: path)
        } catch {
            throw ProvenanceError.unreadableStore(path: path, reason: ProvenanceStore.reason(error))
        }
    }

    /// The exact objects, version and migrations this build writes, or a refusal naming
    /// what differs.
    static func checkSchema(_ db: Database, path: String) throws {
        let found: [StoreSchema.Object]
        do { found = try StoreSchema.objects(db) } catch {
            // A schema SQLite cannot even parse is foreign too.
            throw ProvenanceError.importFailed(path: path, reason: "its schema cannot be read: \(ProvenanceStore.reason(error))")
        }
        let problems = StoreSchema.foreign(found, requireAll: true)
        if !problems.isEmpty { throw ProvenanceError.foreignSchema(path: path, objects: problems) }
        try StoreFileInspector.refuseNewer(db, path: path)
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        // An archive of an earlier Refinery is at an earlier level: its rows are copied into a
        // store of this build's schema (columns added since stay NULL).
        let level = StoreSchema.level(of: found) ?? -1
        let names = level >= 0 ? Array(ProvenanceSchema.migrationNames.prefix(level + 1)) : []
        guard level >= 0, version == level + 1, applied == names.sorted() else {
            throw ProvenanceError.importFailed(path: path,
                reason: "it records schema version \(version) and migrations \(applied), this build writes \(ProvenanceSchema.version) and \(ProvenanceSchema.migrationNames)")
        }
    }

    /// A new store holding exactly this build's schema, in rollback-journal mode.
    static func createEmpty(_ url: URL) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.journalMode = .default
        // Archival snapshots keep artifacts whose creating `pack` run was left out, so their
        // references are copied as they are, as the snapshot itself does.
        configuration.foreignKeysEnabled = false
        configuration.prepareDatabase { db in try ForeignStoreHardening.applyToOwnStore(db) }
        let queue = try DatabaseQueue(path: url.path, configuration: configuration)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode=DELETE") }
        try ProvenanceSchema.migrator.migrate(queue)
        return queue
    }

    /// Copies the rows of the data tables, column by column as this build names them, and the
    /// AUTOINCREMENT counters.
    static func copyRows(from: Database, to: Database) throws {
        for table in StoreSchema.dataTables {
            let present = Set(try Row.fetchAll(from, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]).map { $0["name"] as String })
            let columns = try Row.fetchAll(to, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
                .map { $0["name"] as String }.filter(present.contains)
            let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
            let insert = try to.makeStatement(sql: "INSERT INTO main.\(table) (\(list)) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))")
            let rows = try Row.fetchCursor(from, sql: "SELECT \(list) FROM main.\(table) ORDER BY id")
            while let row = try rows.next() {
                try insert.execute(arguments: StatementArguments(columns.map { row[$0] as DatabaseValue }))
            }
        }
        try to.execute(sql: "DELETE FROM main.sqlite_sequence")
        let counters = try Row.fetchAll(from, sql: "SELECT name, seq FROM main.sqlite_sequence ORDER BY name")
        for counter in counters {
            let name: String? = counter["name"]
            guard let name, StoreSchema.dataTables.contains(name) else { continue }
            try to.execute(sql: "INSERT INTO main.sqlite_sequence (name, seq) VALUES (?, ?)", arguments: [name, counter["seq"] as DatabaseValue])
        }
    }

    /// Compacts `clean` into `destination` (VACUUM INTO: no free pages, so equal content
    /// gives equal bytes), pins the schema cookie, which otherwise counts the store's schema
    /// changes over its life, and renames it into place after removing stale companions.
    static func finalize(_ clean: URL, to destination: URL, reportedAs path: String) throws {
        let compacted = URL(fileURLWithPath: clean.path + ".compacted")
        defer { try? FileManager.default.removeItem(at: compacted) }
        do {
            var configuration = Configuration()
            configuration.journalMode = .default
            configuration.foreignKeysEnabled = false
            let queue = try DatabaseQueue(path: clean.path, configuration: configuration)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "VACUUM INTO ?", arguments: [compacted.path]) }
            try queue.close()
            let copy = try DatabaseQueue(path: compacted.path, configuration: configuration)
            try copy.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode=DELETE")
                try db.execute(sql: "PRAGMA schema_version=1")
            }
            try copy.close()
        } catch {
            throw ProvenanceError.snapshotFailed(destination: destination.path, path: path, reason: ProvenanceStore.reason(error))
        }
        for suffix in sidecarSuffixes {
            let sidecar = destination.path + suffix
            if unlink(sidecar) != 0 && errno != ENOENT {
                throw ProvenanceError.snapshotFailed(destination: destination.path, path: path,
                                                     reason: "cannot remove the stale \(sidecar): \(String(cString: strerror(errno)))")
            }
        }
        guard rename(compacted.path, destination.path) == 0 else {
            throw ProvenanceError.snapshotFailed(destination: destination.path, path: path, reason: String(cString: strerror(errno)))
        }
    }
}
