import Foundation
import GRDB

extension ProvenanceStore {
    /// A snapshot for a workspace archive: a consistent copy without the runs of `commands`
    /// (e.g. the `pack` runs themselves, which would otherwise make every archive of an
    /// unchanged workspace differ), with their edges, the artifacts they created and the
    /// AUTOINCREMENT counters reset, compacted by VACUUM so that equal content gives equal bytes.
    public func archivalSnapshot(to destination: URL, excludingCommands commands: [String]) throws {
        let folder = destination.deletingLastPathComponent()
        let scratch = folder.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).scratch")
        defer { try? FileManager.default.removeItem(at: scratch) }
        try snapshot(to: scratch)
        do {
            var configuration = Configuration()
            configuration.journalMode = .default
            configuration.foreignKeysEnabled = false
            let queue = try DatabaseQueue(path: scratch.path, configuration: configuration)
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
                    for table in ["runs", "artifacts", "edges", "surrogates"] {
                        try db.execute(sql: "UPDATE sqlite_sequence SET seq = COALESCE((SELECT MAX(id) FROM \(table)), 0) WHERE name = ?",
                                       arguments: [table])
                    }
                    return .commit
                }
                try? FileManager.default.removeItem(at: destination)
                try db.execute(sql: "VACUUM INTO ?", arguments: [destination.path])
            }
            try queue.close()
            // The schema cookie counts schema changes over the store's whole life (it differs
            // between stores with equal content); pin it so equal content gives equal bytes.
            let copy = try DatabaseQueue(path: destination.path, configuration: configuration)
            try copy.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode=DELETE")
                try db.execute(sql: "PRAGMA schema_version=1")
            }
            try copy.close()
        } catch let error as ProvenanceError {
            throw error
        } catch {
            throw ProvenanceError.snapshotFailed(destination: destination.path, path: url.path, reason: "\(error)")
        }
    }
}
