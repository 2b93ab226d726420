import Foundation
import XCTest
import Provenance

/// Files the store must refuse without modifying them: not SQLite, or from a newer Refinery.
final class StoreFileSafetyTests: XCTestCase {
    private func sideFiles(_ workspace: TestWorkspace) -> [String] {
        ["-wal", "-shm", "-journal"].filter { FileManager.default.fileExists(atPath: workspace.storeURL.path + $0) }
    }

    func testFileThatIsNotSQLiteIsRefusedAndLeftByteIdentical() throws {
        for contents in [Data("name,value\nseed,7\n".utf8), Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }),
                         Data("SQLite format 2\0 and then some more bytes".utf8)] {
            let workspace = try TestWorkspace()
            try contents.write(to: workspace.storeURL)
            XCTAssertProvenanceError(try workspace.open(), .notSQLite(path: workspace.storeURL.path))
            XCTAssertEqual(try Data(contentsOf: workspace.storeURL), contents)
            XCTAssertEqual(sideFiles(workspace), [])
            do {
                _ = try workspace.open()
            } catch {
                XCTAssertTrue(error.localizedDescription.contains(workspace.storeURL.path), error.localizedDescription)
            }
        }
    }

    func testNewerSchemaVersionIsRefusedAndLeftByteIdentical() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        _ = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c")
        try store.close()
        // A future Refinery raised the schema version.
        try Shell.python("import sqlite3, sys\ncon = sqlite3.connect(sys.argv[1])\ncon.execute('PRAGMA user_version = 99')\ncon.commit()\ncon.close()",
                         [workspace.storeURL.path])
        let before = try Data(contentsOf: workspace.storeURL)
        XCTAssertEqual(sideFiles(workspace), [])

        XCTAssertProvenanceError(try workspace.open(), .newerSchema(path: workspace.storeURL.path, found: 99,
                                                                    supported: ProvenanceStore.schemaVersion, unknownMigrations: []))
        do {
            _ = try workspace.open()
        } catch {
            XCTAssertTrue(error.localizedDescription.contains("newer Refinery"), error.localizedDescription)
            XCTAssertTrue(error.localizedDescription.contains("upgrade"), error.localizedDescription)
        }
        XCTAssertEqual(try Data(contentsOf: workspace.storeURL), before)
        XCTAssertEqual(try sqliteQuery(workspace.storeURL, "SELECT status FROM runs"), [["running"]], "not marked interrupted either")
    }

    func testUnknownMigrationIsRefusedAndLeftByteIdentical() throws {
        let workspace = try TestWorkspace()
        try workspace.open().close()
        try Shell.python("import sqlite3, sys\ncon = sqlite3.connect(sys.argv[1])\ncon.execute(\"INSERT INTO grdb_migrations VALUES ('v9-future')\")\ncon.commit()\ncon.close()",
                         [workspace.storeURL.path])
        let before = try Data(contentsOf: workspace.storeURL)
        XCTAssertProvenanceError(try workspace.open(), .newerSchema(path: workspace.storeURL.path, found: ProvenanceStore.schemaVersion,
                                                                    supported: ProvenanceStore.schemaVersion, unknownMigrations: ["v9-future"]))
        XCTAssertEqual(try Data(contentsOf: workspace.storeURL), before)
    }

    func testEmptyFileBecomesAStoreAndMissingWorkspaceIsNamed() throws {
        let workspace = try TestWorkspace()
        XCTAssertTrue(FileManager.default.createFile(atPath: workspace.storeURL.path, contents: Data()))
        let store = try workspace.open()
        XCTAssertEqual(try store.runs(limit: nil), [])
        let missing = workspace.root.appendingPathComponent("no-such-workspace")
        XCTAssertProvenanceError(try ProvenanceStore.open(workspace: missing), .workspaceMissing(path: missing.path))
    }
}
