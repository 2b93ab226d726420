import Foundation
import XCTest
import Provenance

/// The schema as users see it with sqlite3: tables, indexes, WAL mode, the schema version and
/// the migration names, and the documentation of every column.
final class SchemaTests: XCTestCase {
    func testMigrationCreatesTablesIndexesAndVersion() throws {
        let workspace = try TestWorkspace()
        try workspace.open().close()
        let file = workspace.storeURL

        let tables = Set(try sqliteQuery(file, "SELECT name FROM sqlite_master WHERE type = 'table'").map { $0[0] })
        XCTAssertTrue(tables.isSuperset(of: ["runs", "artifacts", "edges", "surrogates", "grdb_migrations"]), "\(tables)")
        let indexes = Set(try sqliteQuery(file, "SELECT name FROM sqlite_master WHERE type = 'index'").map { $0[0] })
        XCTAssertTrue(indexes.isSuperset(of: ["edges_by_artifact", "artifacts_by_sha256", "surrogates_by_identity",
                                              "surrogates_by_systematic", "runs_by_status"]), "\(indexes)")
        XCTAssertEqual(try sqliteQuery(file, "PRAGMA user_version"), [["\(ProvenanceStore.schemaVersion)"]])
        XCTAssertEqual(try sqliteQuery(file, "SELECT identifier FROM grdb_migrations"), [["v1-core"], ["v2-steps"], ["v4-cluster"]])
        XCTAssertEqual(try sqliteQuery(file, "PRAGMA journal_mode"), [["wal"]])
    }

    func testReopeningKeepsRecordsAndDoesNotMigrateAgain() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let run = try store.beginRun(command: "simulate", arguments: [], hostVersion: "1.0", hostCommit: "abc")
        try store.finishRun(run, status: .succeeded, message: nil)
        try store.close()
        let reopened = try workspace.open()
        XCTAssertEqual(try reopened.runs(limit: nil).map(\.id), [run])
        XCTAssertEqual(try sqliteCount(workspace.storeURL, "SELECT COUNT(*) FROM grdb_migrations"), ProvenanceStore.schemaVersion)
    }

    func testTheDatabaseRejectsValuesOutsideTheDocumentedSets() throws {
        let workspace = try TestWorkspace()
        try workspace.open().close()
        // The CHECK constraints keep status/kind/role to their documented values even for
        // writers that bypass the API (sqlite3, scripts).
        XCTAssertThrowsError(try Shell.python("""
            import sqlite3, sys
            con = sqlite3.connect(sys.argv[1])
            con.execute("INSERT INTO runs (command, host_version, host_commit, started_at, status, pid, host_name, cores, os, workspace_root) VALUES ('x', '1', 'c', '2025-01-01', 'paused', 1, 'h', 1, 'os', '/')")
            con.commit()
            """, [workspace.storeURL.path]))
    }

    /// docs/provenance.md documents every table and column, so users can query with sqlite3.
    func testEveryColumnIsDocumented() throws {
        let workspace = try TestWorkspace()
        try workspace.open().close()
        // The test file may be reached through a symlinked folder: resolve to the repository.
        let testFile = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        let docs = testFile.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/provenance.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        for table in ["runs", "artifacts", "edges", "surrogates"] {
            guard let start = text.range(of: "### `\(table)`") else {
                XCTFail("docs/provenance.md has no section ### `\(table)`")
                continue
            }
            let rest = text[start.upperBound...]
            let section = rest.range(of: "\n### ").map { rest[..<$0.lowerBound] } ?? rest
            let columns = try sqliteQuery(workspace.storeURL, "SELECT name FROM pragma_table_info('\(table)')").map { $0[0] }
            XCTAssertFalse(columns.isEmpty)
            for column in columns {
                XCTAssertTrue(section.contains("| `\(column)` |"), "docs/provenance.md does not document \(table).\(column)")
            }
        }
    }
}
