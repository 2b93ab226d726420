import Foundation
@testable import WorkspaceArchive
import XCTest

/// A store unpacked over a workspace that still holds the old store's SQLite companions
/// (`-wal`, `-shm`, `-journal`, e.g. after a crash) is exactly the archived store.
///
/// The stores are made and read by python3's own sqlite3 module: real SQLite files and an
/// independent reader, as `refinery` would open them.
final class StaleSidecarTests: XCTestCase {
    func python(_ script: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, String(decoding: error, as: UTF8.self))
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // Before: `unpack --force` replaced provenance.sqlite but left the old -wal beside it;
    // SQLite replayed that log onto the new file, so the reader saw the old store's rows
    // ("stale 1..50") instead of the archived one ("archived").
    func testForcedUnpackOverAStaleWriteAheadLogYieldsExactlyTheArchivedStore() throws {
        let scratch = try TestDirectory()
        let workspace = scratch.path("ws"), target = scratch.path("target")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        // The archived store: rollback journal mode, one row.
        _ = try python("""
            import sqlite3, sys
            c = sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE t (v TEXT)'); c.execute("INSERT INTO t VALUES ('archived')")
            c.commit(); c.close()
            """, [workspace.appendingPathComponent("provenance.sqlite").path])
        let archived = try Data(contentsOf: workspace.appendingPathComponent("provenance.sqlite"))
        try Data("name: toy\n".utf8).write(to: workspace.appendingPathComponent("refinery.yaml"))
        let request = PackRequest(root: workspace, members: [.init(path: "provenance.sqlite", kind: "provenance"),
                                                             .init(path: "refinery.yaml", kind: "configuration")],
                                  compression: .zstd, hostVersion: "test", hostCommit: "0", identityKeys: [:], extra: [:])
        _ = try WorkspaceArchive.pack(request, to: scratch.path("ws.tar.zst"))

        // The old workspace: a WAL store whose process died before any checkpoint, so its
        // rows live only in provenance.sqlite-wal (and -shm).
        _ = try python("""
            import sqlite3, sys, os
            c = sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA wal_autocheckpoint=0')
            c.execute('CREATE TABLE t (v TEXT)')
            c.executemany('INSERT INTO t VALUES (?)', [('stale %d' % i,) for i in range(50)]); c.commit()
            os._exit(0)
            """, [target.appendingPathComponent("provenance.sqlite").path])
        XCTAssertTrue(FileManager.default.fileExists(atPath: target.appendingPathComponent("provenance.sqlite-wal").path),
                      "the fixture must leave a -wal behind")
        try Data("stale journal".utf8).write(to: target.appendingPathComponent("refinery.yaml-journal"))

        _ = try WorkspaceArchive.unpack(scratch.path("ws.tar.zst"), into: target, options: UnpackOptions(force: true))

        for suffix in ["-wal", "-shm", "-journal"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: target.appendingPathComponent("provenance.sqlite" + suffix).path), suffix)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: target.appendingPathComponent("refinery.yaml-journal").path),
                      "only an SQLite database's companions are removed")
        XCTAssertEqual(try Data(contentsOf: target.appendingPathComponent("provenance.sqlite")), archived)
        let rows = try python("""
            import sqlite3, sys
            print(','.join(v for (v,) in sqlite3.connect(sys.argv[1]).execute('SELECT v FROM t')))
            """, [target.appendingPathComponent("provenance.sqlite").path])
        XCTAssertEqual(rows, "archived")
    }

    /// An archive that itself carries a -wal member keeps it: only stale companions go.
    func testACompanionThatIsAMemberIsUnpackedNotRemoved() throws {
        let scratch = try TestDirectory()
        let files = ["db.sqlite": Data("SQLite format 3\0 not really".utf8), "db.sqlite-wal": Data("wal".utf8)]
        try TestDirectory.write(files, under: scratch.path("ws"))
        let request = PackRequest(root: scratch.path("ws"), members: files.keys.sorted().map { .init(path: $0, kind: "report") },
                                  compression: .zstd, hostVersion: "test", hostCommit: "0", identityKeys: [:], extra: [:])
        _ = try WorkspaceArchive.pack(request, to: scratch.path("ws.tar.zst"))
        _ = try WorkspaceArchive.unpack(scratch.path("ws.tar.zst"), into: scratch.path("out"))
        XCTAssertEqual(try Data(contentsOf: scratch.path("out/db.sqlite-wal")), Data("wal".utf8))
    }

    /// The vetting hook sees every staged member before anything is placed; its refusal
    /// leaves the target as it was.
    func testVettingHookRefusalLeavesTheTargetUntouched() throws {
        let scratch = try TestDirectory()
        let request = try SampleWorkspace.create(at: scratch.path("ws"))
        _ = try WorkspaceArchive.pack(request, to: scratch.path("ws.tar.zst"))
        struct Refused: Error {}
        var options = UnpackOptions()
        let seen = SeenMembers()
        options.vetStagedMember = { member, staged in
            XCTAssertEqual(try Data(contentsOf: staged).count, Int(member.size))
            seen.add(member.path)
            if member.kind == "provenance" { throw Refused() }
        }
        XCTAssertThrowsError(try WorkspaceArchive.unpack(scratch.path("ws.tar.zst"), into: scratch.path("out"), options: options)) {
            XCTAssertTrue($0 is Refused, "\($0)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.path("out").path))
        XCTAssertTrue(seen.paths.contains("provenance/store.sqlite"))
    }
}

/// Collects member paths from the `@Sendable` hook.
final class SeenMembers: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    func add(_ path: String) { lock.lock(); storage.append(path); lock.unlock() }
    var paths: [String] { lock.lock(); defer { lock.unlock() }; return storage }
}
