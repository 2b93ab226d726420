import Foundation
import GRDB

extension ProvenanceStore {
    /// A snapshot for a workspace archive: a consistent copy without the runs of `commands`
    /// (e.g. the `pack` runs themselves, which would otherwise make every archive of an
    /// unchanged workspace differ), with their edges, the artifacts they created and the
    /// AUTOINCREMENT counters reset, compacted by VACUUM so that equal content gives equal bytes.
    ///
    /// It is in the clean form `unpack` accepts (`ArchivedStore.copyClean`): the rows in a
    /// store freshly created by this build's schema, so that an archive carries data and no SQL
    /// (a trigger or view in the workspace's file would otherwise travel along).
    public func archivalSnapshot(to destination: URL, excludingCommands commands: [String]) throws {
        let folder = destination.deletingLastPathComponent()
        let stem = ".\(destination.lastPathComponent).\(UUID().uuidString)"
        let scratch = folder.appendingPathComponent("\(stem).scratch")
        let clean = folder.appendingPathComponent("\(stem).clean")
        defer {
            for file in [scratch, clean] {
                for suffix in [""] + ArchivedStore.sidecarSuffixes { try? FileManager.default.removeItem(atPath: file.path + suffix) }
            }
        }
        try snapshot(to: scratch)
        try ArchivedStore.copyClean(from: scratch, to: clean)
        do {
            var configuration = Configuration()
            configuration.journalMode = .default
            configuration.foreignKeysEnabled = false
            configuration.prepareDatabase { db in try ForeignStoreHardening.applyToOwnStore(db) }
            let queue = try DatabaseQueue(path: clean.path, configuration: configuration)
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode=DELETE")
                try db.inTransaction {
                    let placeholders = commands.map { _ in "?" }.joined(separator: ",")
                    let runs = "SELECT id FROM runs WHERE command IN (\(placeholders))"
                    let arguments = StatementArguments(commands)
                    try db.execute(sql: "DELETE FROM surrogates WHERE run_id IN (\(runs))", arguments: arguments)
                    try db.execute(sql: "DELETE FROM edges WHERE run_id IN (\(runs))", arguments: arguments)
                    try db.execute(sql: """
                        DELETE FROM artifacts WHERE created_by_run IN (\(runs))
                          AND id NOT IN (SELECT artifact_id FROM edges) AND id NOT IN (SELECT artifact_id FROM surrogates)
                        """, arguments: arguments)
                    try db.execute(sql: "DELETE FROM runs WHERE command IN (\(placeholders))", arguments: arguments)
                    for table in StoreSchema.dataTables {
                        try db.execute(sql: "UPDATE sqlite_sequence SET seq = COALESCE((SELECT MAX(id) FROM \(table)), 0) WHERE name = ?",
                                       arguments: [table])
                    }
                    return .commit
                }
            }
            try queue.close()
        } catch let error as ProvenanceError {
            throw error
        } catch {
            throw ProvenanceError.snapshotFailed(destination: destination.path, path: url.path, reason: "\(error)")
        }
        try? FileManager.default.removeItem(at: destination)
        try ArchivedStore.finalize(clean, to: destination, reportedAs: url.path)
    }
}
