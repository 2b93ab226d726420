import Foundation
import XCTest
import Provenance

/// Several writers on one store at once (Slurm job arrays, two `train --only`): every record of
/// every writer must be present.
final class ConcurrencyTests: XCTestCase {
    /// Errors thrown on worker threads, collected for the test thread.
    private final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var errors: [String] = []
        func add(_ error: Error) { lock.withLock { errors.append("\(error)") } }
        var all: [String] { lock.withLock { errors } }
    }

    /// Threads that each open their own store (their own connections, so SQLite's file locks
    /// arbitrate exactly as between processes) on a store that does not exist yet: they race
    /// on creating the schema, then write runs and artifacts concurrently.
    func testWritersWithSeparateStoresCreateAndFillOneStore() throws {
        let workspace = try TestWorkspace()
        let root = workspace.root
        let writers = 4, runsPerWriter = 40, sharedHash = fakeHash("shared configuration")
        let failures = Failures()
        let group = DispatchGroup()
        let start = Date().addingTimeInterval(0.05)
        for writer in 0..<writers {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                Thread.sleep(until: start)
                do {
                    let store = try ProvenanceStore.open(workspace: root)
                    for index in 0..<runsPerWriter {
                        let run = try store.beginRun(command: "train", arguments: ["--only", "W\(writer)"], hostVersion: "1", hostCommit: "c")
                        _ = try store.recordArtifact(run: run, role: .input, path: "refinery.yaml", kind: .configuration, sha256: sharedHash, size: 1)
                        for file in 0..<3 {
                            _ = try store.recordArtifact(run: run, role: .output, path: "out/w\(writer)/r\(index)/f\(file)", kind: .synthetic,
                                                         sha256: fakeHash("\(writer) \(index) \(file)"), size: Int64(file))
                        }
                        try store.finishRun(run, status: .succeeded, message: nil)
                    }
                    try store.close()
                } catch {
                    failures.add(error)
                }
            }
        }
        XCTAssertEqual(group.wait(timeout: .now() + 60), .success)
        XCTAssertEqual(failures.all, [])

        let store = try workspace.open()
        let runs = try store.runs(limit: nil)
        XCTAssertEqual(runs.count, writers * runsPerWriter)
        XCTAssertTrue(runs.allSatisfy { $0.status == .succeeded })
        for writer in 0..<writers {
            XCTAssertEqual(runs.filter { $0.arguments == ["--only", "W\(writer)"] }.count, runsPerWriter)
            for index in 0..<runsPerWriter {
                XCTAssertEqual(try store.latestArtifact(path: "out/w\(writer)/r\(index)/f2")?.sha256, fakeHash("\(writer) \(index) 2"))
            }
        }
        try store.close()
        // The shared configuration version exists once, used by every run.
        XCTAssertEqual(try sqliteCount(workspace.storeURL, "SELECT COUNT(*) FROM artifacts WHERE path = 'refinery.yaml'"), 1)
        XCTAssertEqual(try sqliteCount(workspace.storeURL, "SELECT COUNT(*) FROM edges"), writers * runsPerWriter * 4)
        XCTAssertEqual(try sqliteCount(workspace.storeURL, "SELECT COUNT(*) FROM grdb_migrations"), ProvenanceStore.schemaVersion, "each migration applied once")
    }

    /// Many first opens of the same fresh store at the same instant: SQLite answers some of the
    /// competing WAL switches with an immediate SQLITE_BUSY, and GRDB's migrator can find
    /// "v1-core" unapplied in two connections; every open must still succeed.
    func testSimultaneousFirstOpensAllSucceed() throws {
        let openers = 6
        for _ in 0..<12 {
            let workspace = try TestWorkspace()
            let root = workspace.root
            let failures = Failures()
            let group = DispatchGroup()
            let start = Date().addingTimeInterval(0.02)
            for _ in 0..<openers {
                group.enter()
                Thread.detachNewThread {
                    defer { group.leave() }
                    Thread.sleep(until: start)
                    do {
                        let store = try ProvenanceStore.open(workspace: root)
                        _ = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c")
                        try store.close()
                    } catch {
                        failures.add(error)
                    }
                }
            }
            XCTAssertEqual(group.wait(timeout: .now() + 30), .success)
            XCTAssertEqual(failures.all, [])
            XCTAssertEqual(try sqliteCount(workspace.storeURL, "SELECT COUNT(*) FROM runs"), openers)
        }
    }

    /// Another process (python3's own sqlite3) writes the same store while this one does: WAL
    /// and the busy timeout make both wait for each other instead of failing.
    func testAnotherProcessWritingAtTheSameTime() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let pythonRuns = 300
        // The child starts writing once this process has started, so that the two overlap.
        let script = """
            import sqlite3, sys, time, os
            con = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
            deadline = time.time() + 20
            while con.execute("SELECT COUNT(*) FROM runs WHERE command = 'swift'").fetchone()[0] == 0:
                if time.time() > deadline: sys.exit("swift never wrote")
                time.sleep(0.001)
            for i in range(int(sys.argv[2])):
                con.execute("BEGIN IMMEDIATE")
                con.execute("INSERT INTO runs (command, arguments, host_version, host_commit, started_at, status, pid, host_name, cores, os, workspace_root) VALUES ('python', '[]', '1', 'c', '2025-01-01 00:00:00.000', 'succeeded', ?, 'h', 1, 'os', '/')", (os.getpid(),))
                run = con.execute("SELECT last_insert_rowid()").fetchone()[0]
                con.execute("INSERT INTO artifacts (path, kind, size, sha256, created_at, created_by_run) VALUES (?, 'plot', 1, ?, '2025-01-01 00:00:00.000', ?)", ("py/%d" % i, "%064x" % i, run))
                con.execute("INSERT INTO edges (run_id, artifact_id, role, recorded_at) VALUES (?, last_insert_rowid(), 'output', '2025-01-01 00:00:00.000')", (run,))
                con.execute("COMMIT")
                # A real writer works between records; without a pause SQLite's sleeping busy
                # handler lets this loop run to the end before the other process wakes up.
                time.sleep(0.001)
            print("done", flush=True)
            """
        let child = try Shell.startPython(script, [workspace.storeURL.path, "\(pythonRuns)"])
        var swiftRuns = 0
        // Keep writing until the child is done (and at least 150 runs), so the writes interleave.
        while child.isRunning || swiftRuns < 150 {
            let run = try store.beginRun(command: "swift", arguments: ["\(swiftRuns)"], hostVersion: "1", hostCommit: "c")
            for file in 0..<3 {
                _ = try store.recordArtifact(run: run, role: .output, path: "swift/\(swiftRuns)/\(file)", kind: .plot,
                                             sha256: fakeHash("swift \(swiftRuns) \(file)"), size: 1)
            }
            try store.finishRun(run, status: .succeeded, message: nil)
            swiftRuns += 1
            if swiftRuns > 20_000 { break }
        }
        let output = Shell.finish(child)
        XCTAssertEqual(output.status, 0, output.stderr)
        XCTAssertEqual(output.stdout, "done\n")

        let runs = try store.runs(limit: nil)
        XCTAssertEqual(runs.filter { $0.command == "python" }.count, pythonRuns)
        XCTAssertEqual(runs.filter { $0.command == "swift" }.count, swiftRuns)
        XCTAssertEqual(try store.latestArtifact(path: "py/\(pythonRuns - 1)")?.sha256, String(format: "%064x", pythonRuns - 1))
        XCTAssertEqual(try store.run(runs.first { $0.command == "swift" }!.id).outputs.count, 3)
        // Interleaved: some Swift run was recorded after the first python run and before the last.
        let pythonIDs = runs.filter { $0.command == "python" }.map(\.id)
        let swiftIDs = runs.filter { $0.command == "swift" }.map(\.id)
        XCTAssertTrue(swiftIDs.contains { $0 > pythonIDs.min()! && $0 < pythonIDs.max()! }, "the writers did not overlap")
    }
}
