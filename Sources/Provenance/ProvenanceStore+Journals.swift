import Foundation
import GRDB

/// Per-task journals: on a file system where SQLite's locking cannot be trusted (NFS without
/// working locks), each cluster task records into a private store of its own and leaves it,
/// in the clean rollback-mode form of `ArchivedStore.copyClean`, as one file in the shared
/// submission folder. The dependent job merges every journal into the workspace's store here,
/// all in one transaction: either every task's records arrive or none do.
extension ProvenanceStore {
    /// What a merge added.
    public struct JournalMerge: Codable, Sendable, Equatable {
        public var journals: Int
        public var runs: Int
        public var artifacts: Int
        public var edges: Int
        public var surrogates: Int

        public init(journals: Int, runs: Int, artifacts: Int, edges: Int, surrogates: Int) {
            self.journals = journals
            self.runs = runs
            self.artifacts = artifacts
            self.edges = edges
            self.surrogates = surrogates
        }
    }

    /// Merges the journals' rows into this store in one write transaction. Every journal is
    /// vetted exactly like an archived store (copied alone, opened read-only and hardened, its
    /// schema compared with this build's) before any row is read. Runs get new ids; an
    /// artifact version already in this store (same path and SHA-256) is reused; edges and
    /// surrogates follow their run's and artifact's new ids.
    public func mergeJournals(_ journals: [URL]) throws -> JournalMerge {
        var merge = JournalMerge(journals: journals.count, runs: 0, artifacts: 0, edges: 0, surrogates: 0)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("refinery-merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var sources: [(url: URL, queue: DatabaseQueue)] = []
        defer { for source in sources { try? source.queue.close() } }
        for (index, journal) in journals.enumerated() {
            let copy = scratch.appendingPathComponent("journal-\(index).sqlite")
            try ArchivedStore.isolate(journal, into: copy)
            let queue = try ArchivedStore.openForeign(copy, reportedAs: journal.path)
            try queue.read { try ArchivedStore.checkSchema($0, path: journal.path) }
            sources.append((journal, queue))
        }
        try perform("merge \(journals.count) task journals") {
            try pool.write { db in
                for source in sources {
                    try source.queue.read { from in try Self.mergeRows(from: from, into: db, counts: &merge) }
                }
            }
        }
        return merge
    }

    /// Copies one journal's rows, remapping ids. Columns are this build's, read by name.
    private static func mergeRows(from: Database, into db: Database, counts: inout JournalMerge) throws {
        func columns(_ table: String) throws -> [String] {
            let present = Set(try String.fetchAll(from, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]))
            return try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
                .filter { present.contains($0) && $0 != "id" }
        }
        func insert(_ table: String, _ columns: [String], _ values: [DatabaseValue]) throws -> Int64 {
            let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
            try db.execute(sql: "INSERT INTO main.\(table) (\(list)) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                           arguments: StatementArguments(values))
            return db.lastInsertedRowID
        }
        func mapped(_ map: [Int64: Int64], _ value: DatabaseValue, _ what: String) throws -> DatabaseValue {
            guard let old = Int64.fromDatabaseValue(value), let new = map[old] else {
                throw ProvenanceError.importFailed(path: "journal", reason: "a row refers to \(what) \(value), which the journal does not hold")
            }
            return new.databaseValue
        }
        var runs: [Int64: Int64] = [:]
        let runColumns = try columns("runs")
        for row in try Row.fetchAll(from, sql: "SELECT id, \(runColumns.map { "\"\($0)\"" }.joined(separator: ", ")) FROM runs ORDER BY id") {
            runs[row["id"]] = try insert("runs", runColumns, runColumns.map { row[$0] as DatabaseValue })
            counts.runs += 1
        }
        var artifacts: [Int64: Int64] = [:]
        let artifactColumns = try columns("artifacts")
        for row in try Row.fetchAll(from, sql: "SELECT id, \(artifactColumns.map { "\"\($0)\"" }.joined(separator: ", ")) FROM artifacts ORDER BY id") {
            let path: String = row["path"], sha256: String = row["sha256"]
            if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM artifacts WHERE path = ? AND sha256 = ?", arguments: [path, sha256]) {
                artifacts[row["id"]] = existing
                continue
            }
            let values = try artifactColumns.map { $0 == "created_by_run" ? try mapped(runs, row[$0], "run") : row[$0] as DatabaseValue }
            artifacts[row["id"]] = try insert("artifacts", artifactColumns, values)
            counts.artifacts += 1
        }
        for (table, references) in [("edges", ["run_id": "run", "artifact_id": "artifact"]),
                                    ("surrogates", ["run_id": "run", "artifact_id": "artifact"])] {
            let tableColumns = try columns(table)
            for row in try Row.fetchAll(from, sql: "SELECT \(tableColumns.map { "\"\($0)\"" }.joined(separator: ", ")) FROM \(table) ORDER BY id") {
                let values = try tableColumns.map { column -> DatabaseValue in
                    switch references[column] {
                    case "run": return try mapped(runs, row[column], "run")
                    case "artifact": return try mapped(artifacts, row[column], "artifact")
                    default: return row[column]
                    }
                }
                _ = try insert(table, tableColumns, values)
                if table == "edges" { counts.edges += 1 } else { counts.surrogates += 1 }
            }
        }
    }
}
