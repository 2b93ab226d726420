import Foundation
@testable import Provenance
import XCTest

/// Stores that hold SQL besides data (triggers, views, extra or altered tables), as a hostile
/// archive would carry them. They are refused, naming what is foreign, both when copied into
/// clean form (`ArchivedStore.copyClean`, what unpack and pack use) and when a workspace holding
/// one is opened; no trigger ever fires and nothing hangs. The hostile objects are added with
/// python3's own sqlite3, as an attacker would.
final class ArchivedStoreTests: XCTestCase {
    /// A real store with two runs and an artifact, closed and checkpointed into its main file.
    func recordedWorkspace() throws -> TestWorkspace {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let run = try store.beginRun(command: "simulate", arguments: ["--seed", "7"], hostVersion: "1.0", hostCommit: "abc")
        _ = try store.recordArtifact(run: run, role: .output, path: "samples/nominal/x.npy", kind: .sample, sha256: fakeHash("x"), size: 10)
        try store.finishRun(run, status: .succeeded, message: nil)
        let second = try store.beginRun(command: "train", arguments: [], hostVersion: "1.0", hostCommit: "abc")
        try store.finishRun(second, status: .failed, message: "closure")
        try store.close()
        // As in an archive, the whole store is in the main file (copyClean never reads a -wal).
        try addSQL(workspace, "")
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.storeURL.path + "-wal"))
        return workspace
    }

    func addSQL(_ workspace: TestWorkspace, _ sql: String) throws {
        _ = try Shell.python("import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.executescript(sys.argv[2])\nc.commit()\nc.execute('PRAGMA wal_checkpoint(TRUNCATE)')\nc.close()",
                             [workspace.storeURL.path, sql])
    }

    /// A trigger that marks every run it sees: proof, if it ever fires.
    static let markerTrigger = "CREATE TRIGGER mark AFTER INSERT ON runs BEGIN UPDATE runs SET message = 'TRIGGER FIRED'; END;"
    /// A trigger that never ends: an unbounded recursive CTE on every write to `runs`.
    static let endlessTrigger = """
        CREATE TRIGGER endless BEFORE INSERT ON runs BEGIN
          SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c);
        END;
        """

    /// `copyClean` refuses the store naming `object`, writes no destination and leaves the
    /// source byte-identical; opening the workspace is refused the same way.
    func assertRefused(_ workspace: TestWorkspace, naming object: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let before = try Data(contentsOf: workspace.storeURL)
        let destination = workspace.root.appendingPathComponent("clean.sqlite")
        let start = Date()
        XCTAssertThrowsError(try ArchivedStore.copyClean(from: workspace.storeURL, to: destination), file: file, line: line) { error in
            guard case let .foreignSchema(path, objects)? = error as? ProvenanceError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(path, workspace.storeURL.path, file: file, line: line)
            XCTAssertTrue(objects.contains { $0.hasPrefix(object) }, "\(objects)", file: file, line: line)
            XCTAssertTrue(error.localizedDescription.contains(object), error.localizedDescription, file: file, line: line)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: destination.path), file: file, line: line)
        XCTAssertThrowsError(try workspace.open(), file: file, line: line) { error in
            guard case .foreignSchema? = error as? ProvenanceError else { return XCTFail("\(error)", file: file, line: line) }
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, file: file, line: line)
        XCTAssertEqual(try Data(contentsOf: workspace.storeURL), before, "the refused store was modified", file: file, line: line)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: workspace.root.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], file: file, line: line)
    }

    // Before: `open` accepted the store and `beginRun` fired the trigger, which rewrote every
    // run's message; pack then copied the trigger into the next archive.
    func testStoreWithATriggerIsRefusedAndTheTriggerNeverFires() throws {
        let workspace = try recordedWorkspace()
        try addSQL(workspace, Self.markerTrigger)
        try assertRefused(workspace, naming: "trigger 'mark'")
        // What every later command does: open and record a run. The open is refused, so the
        // trigger has no write to fire on.
        _ = try? workspace.open().beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c")
        XCTAssertEqual(try sqliteCount(workspace.storeURL, "SELECT count(*) FROM runs WHERE message = 'TRIGGER FIRED'"), 0)
    }

    // Before: `open` then `beginRun` never returned (the trigger's CTE has no end); here a
    // watchdog turns that hang into a failure after 5 s.
    func testRecursiveCTETriggerDoesNotHangAnything() throws {
        let workspace = try recordedWorkspace()
        try addSQL(workspace, Self.endlessTrigger)
        let done = DispatchSemaphore(value: 0)
        let root = workspace.root
        Thread.detachNewThread {
            _ = try? ProvenanceStore.open(workspace: root).beginRun(command: "x", arguments: [], hostVersion: "1", hostCommit: "c")
            done.signal()
        }
        XCTAssertEqual(done.wait(timeout: .now() + 5), .success, "opening and writing the store hung on the trigger")
        try assertRefused(workspace, naming: "trigger 'endless'")
    }

    // Before: accepted; the view (an endless recursive CTE) was copied into every later archive.
    func testStoreWithAViewIsRefused() throws {
        let workspace = try recordedWorkspace()
        try addSQL(workspace, "CREATE VIEW everything AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c;")
        try assertRefused(workspace, naming: "view 'everything'")
    }

    // Before: accepted and archived along.
    func testStoreWithAnExtraTableOrIndexIsRefused() throws {
        let workspace = try recordedWorkspace()
        try addSQL(workspace, "CREATE TABLE payload (blob BLOB); INSERT INTO payload VALUES (x'00');")
        try assertRefused(workspace, naming: "table 'payload'")
        let indexed = try recordedWorkspace()
        try addSQL(indexed, "CREATE INDEX runs_by_lower ON runs(lower(command));")
        try assertRefused(indexed, naming: "index 'runs_by_lower'")
    }

    // Before: accepted; the extra column's DEFAULT is SQL that runs on every insert.
    func testStoreWithAnAlteredTableIsRefused() throws {
        let workspace = try recordedWorkspace()
        try addSQL(workspace, "ALTER TABLE runs ADD COLUMN note TEXT DEFAULT 'x';")
        try assertRefused(workspace, naming: "table 'runs'")
    }

    /// A clean store is copied row for row; the copy is in clean form (copying it again gives
    /// the same bytes) and opens as a normal store.
    func testCleanStoreIsCopiedRowForRowIntoTheSameCleanForm() throws {
        let workspace = try recordedWorkspace()
        let first = workspace.root.appendingPathComponent("first.sqlite"), second = workspace.root.appendingPathComponent("second.sqlite")
        try ArchivedStore.copyClean(from: workspace.storeURL, to: first)
        try ArchivedStore.copyClean(from: first, to: second)
        XCTAssertEqual(try Data(contentsOf: first), try Data(contentsOf: second))
        for table in ["runs", "artifacts", "edges", "sqlite_sequence", "grdb_migrations"] {
            XCTAssertEqual(try sqliteQuery(first, "SELECT * FROM \(table) ORDER BY 1"),
                           try sqliteQuery(workspace.storeURL, "SELECT * FROM \(table) ORDER BY 1"), table)
        }
        XCTAssertEqual(try sqliteQuery(first, "PRAGMA journal_mode"), [["delete"]])
        let copy = try TestWorkspace()
        try FileManager.default.copyItem(at: first, to: copy.storeURL)
        XCTAssertEqual(try copy.open().runs(limit: nil).map(\.command), ["train", "simulate"])
    }

    // Before: there was no clean copy; opening the file used the -wal beside it, so a stale
    // log turned the store into another one.
    func testAWriteAheadLogBesideTheSourceIsNeverCombinedWithIt() throws {
        let workspace = try recordedWorkspace()
        _ = try Shell.python("""
            import sqlite3, sys, os
            c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA wal_autocheckpoint=0')
            c.execute("UPDATE runs SET command = 'from-the-log'"); c.commit()
            os._exit(0)
            """, [workspace.storeURL.path])
        XCTAssertTrue(FileManager.default.fileExists(atPath: workspace.storeURL.path + "-wal"))
        let destination = workspace.root.appendingPathComponent("clean.sqlite")
        try Data("stale".utf8).write(to: URL(fileURLWithPath: destination.path + "-wal"))
        try ArchivedStore.copyClean(from: workspace.storeURL, to: destination)
        XCTAssertFalse(FileManager.default.fileExists(atPath: destination.path + "-wal"), "a stale -wal beside the destination survived")
        XCTAssertEqual(try sqliteQuery(destination, "SELECT command FROM runs ORDER BY id"), [["simulate"], ["train"]])
    }

    /// The in-place form the unpack hook uses: a clean store is replaced by its clean copy, a
    /// foreign one is left byte-identical.
    func testReplaceWithCleanCopyInPlace() throws {
        let workspace = try recordedWorkspace()
        try ArchivedStore.replaceWithCleanCopy(workspace.storeURL)
        XCTAssertEqual(try sqliteQuery(workspace.storeURL, "PRAGMA journal_mode"), [["delete"]])
        XCTAssertEqual(try workspace.open().runs(limit: nil).count, 2)
        let hostile = try recordedWorkspace()
        try addSQL(hostile, Self.markerTrigger)
        let before = try Data(contentsOf: hostile.storeURL)
        XCTAssertThrowsError(try ArchivedStore.replaceWithCleanCopy(hostile.storeURL))
        XCTAssertEqual(try Data(contentsOf: hostile.storeURL), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: hostile.root.path).filter { $0.hasPrefix(".") }, [])
    }

    func testNonSQLiteAndNewerStoresAreRefused() throws {
        let workspace = try TestWorkspace()
        try Data("not a database at all, but long enough to have a header of a hundred bytes........................".utf8)
            .write(to: workspace.storeURL)
        XCTAssertProvenanceError(try ArchivedStore.copyClean(from: workspace.storeURL, to: workspace.root.appendingPathComponent("c")),
                                 .notSQLite(path: workspace.storeURL.path))
        let newer = try recordedWorkspace()
        try addSQL(newer, "PRAGMA user_version = 99;")
        XCTAssertProvenanceError(try ArchivedStore.copyClean(from: newer.storeURL, to: newer.root.appendingPathComponent("c")),
                                 .newerSchema(path: newer.storeURL.path, found: 99, supported: ProvenanceStore.schemaVersion, unknownMigrations: []))
    }

    /// The connection to a foreign file really has triggers and views off and defensive mode on.
    func testForeignConnectionIsHardened() throws {
        let workspace = try recordedWorkspace()
        let queue = try ArchivedStore.openForeign(workspace.storeURL, reportedAs: workspace.storeURL.path)
        try queue.read { db in
            XCTAssertEqual(ForeignStoreHardening.value(db, ForeignStoreHardening.enableTrigger), 0)
            XCTAssertEqual(ForeignStoreHardening.value(db, ForeignStoreHardening.enableView), 0)
            XCTAssertEqual(ForeignStoreHardening.value(db, ForeignStoreHardening.defensive), 1)
            XCTAssertEqual(try Int.fetchOne(db, sql: "PRAGMA trusted_schema"), 0)
        }
        try queue.close()
    }
}
