import Foundation
import XCTest
import Provenance
#if canImport(Glibc)
import Glibc
#endif

/// Runs: lifecycle, listing, and detection of runs whose process died.
final class RunTests: XCTestCase {
    func testRunLifecycleRecordsMachineAndOutcome() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let before = Date()
        let train = try store.beginRun(command: "train", arguments: ["--only", "Scale"], hostVersion: "0.3.0", hostCommit: "deadbeef")

        let running = try store.run(train).run
        XCTAssertEqual(running.status, .running)
        XCTAssertEqual(running.command, "train")
        XCTAssertEqual(running.arguments, ["--only", "Scale"])
        XCTAssertEqual(running.hostVersion, "0.3.0")
        XCTAssertEqual(running.hostCommit, "deadbeef")
        XCTAssertEqual(running.pid, getpid())
        XCTAssertFalse(running.hostName.isEmpty)
        XCTAssertEqual(running.cores, ProcessInfo.processInfo.activeProcessorCount)
        XCTAssertFalse(running.os.isEmpty)
        XCTAssertEqual(running.workspaceRoot, workspace.root.standardizedFileURL.path)
        XCTAssertNil(running.endedAt)
        XCTAssertEqual(running.startedAt.timeIntervalSince1970, before.timeIntervalSince1970, accuracy: 5)

        try store.finishRun(train, status: .succeeded, message: nil)
        let done = try store.run(train).run
        XCTAssertEqual(done.status, .succeeded)
        XCTAssertNotNil(done.endedAt)
        XCTAssertGreaterThanOrEqual(done.duration ?? -1, 0)

        let failing = try store.beginRun(command: "simulate", arguments: [], hostVersion: "0.3.0", hostCommit: "deadbeef")
        try store.finishRun(failing, status: .failed, message: "out of disk space")
        XCTAssertEqual(try store.run(failing).run.status, .failed)
        XCTAssertEqual(try store.run(failing).run.message, "out of disk space")

        // Newest first, and the limit is honoured.
        XCTAssertEqual(try store.runs(limit: nil).map(\.id), [failing, train])
        XCTAssertEqual(try store.runs(limit: 1).map(\.id), [failing])

        XCTAssertProvenanceError(try store.finishRun(999, status: .succeeded, message: nil),
                                 .unknownRun(id: 999, path: workspace.storeURL.path))
        XCTAssertProvenanceError(try store.finishRun(train, status: .running, message: nil),
                                 .invalidFinishStatus(id: train, path: workspace.storeURL.path))
        XCTAssertProvenanceError(try store.run(999), .unknownRun(id: 999, path: workspace.storeURL.path))
    }

    /// A run whose process was killed (SIGKILL: no chance to record anything) is shown as
    /// interrupted after the next open; runs of live processes stay running.
    func testRunOfKilledProcessIsMarkedInterruptedOnOpen() throws {
        let workspace = try TestWorkspace()
        let worker = try Shell.start("/bin/sleep", ["30"])
        let identity = try XCTUnwrap(ProcessIdentity.of(pid: worker.processIdentifier))
        XCTAssertNotNil(identity.startTime, "/proc/<pid>/stat start time")

        var store = try workspace.open()
        let workerRun = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c", process: identity)
        let ownRun = try store.beginRun(command: "simulate", arguments: [], hostVersion: "1", hostCommit: "c")
        // The pid is alive but belongs to a process that started at another time: pid reuse.
        var reused = ProcessIdentity.current
        reused.startTime = (reused.startTime ?? 0) + 12345
        let reusedRun = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c", process: reused)
        // Another machine (shared file system): cannot be judged from here, left alone.
        let remote = ProcessIdentity(pid: 1, startTime: 1, bootID: "elsewhere", hostName: "node-\(UUID().uuidString)")
        let remoteRun = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c", process: remote)
        try store.close()

        store = try workspace.open()
        XCTAssertEqual(try store.run(workerRun).run.status, .running, "the worker is still alive")
        XCTAssertEqual(try store.run(reusedRun).run.status, .interrupted)
        try store.close()

        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()
        XCTAssertEqual(worker.terminationReason, .uncaughtSignal)

        store = try workspace.open()
        let interrupted = try store.run(workerRun).run
        XCTAssertEqual(interrupted.status, .interrupted)
        XCTAssertTrue(interrupted.message?.contains("process \(identity.pid)") ?? false, interrupted.message ?? "nil")
        XCTAssertEqual(try store.run(ownRun).run.status, .running, "this test process is alive")
        XCTAssertEqual(try store.run(remoteRun).run.status, .running)
    }

    /// A writer killed in the middle of a write transaction: the store still opens, has
    /// nothing of the uncommitted transaction, passes SQLite's integrity check, and the killed
    /// writer's committed run shows as interrupted.
    func testWriterKilledMidTransactionLeavesAnOpenableStore() throws {
        let workspace = try TestWorkspace()
        try workspace.open().close()
        let script = """
            import sqlite3, sys, os, time
            con = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO runs (command, arguments, host_version, host_commit, started_at, status, pid, host_name, cores, os, workspace_root) VALUES ('train', '[]', '1', 'c', '2025-01-01 00:00:00.000', 'running', ?, ?, 1, 'os', '/')", (os.getpid(), os.uname().nodename))
            run = con.execute("SELECT last_insert_rowid()").fetchone()[0]
            con.execute("COMMIT")
            con.execute("BEGIN IMMEDIATE")
            for i in range(2000):
                con.execute("INSERT INTO artifacts (path, kind, size, sha256, created_at, created_by_run) VALUES (?, 'surrogate', 1, ?, '2025-01-01 00:00:00.000', ?)", ("partial/%d" % i, "%064x" % i, run))
            print("in transaction", flush=True)
            time.sleep(60)
            """
        let writer = try Shell.startPython(script, [workspace.storeURL.path])
        // Wait until the child is inside its transaction before killing it.
        let out = (writer.standardOutput as! Pipe).fileHandleForReading
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("in transaction") {
            let chunk = out.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        XCTAssertTrue(String(decoding: seen, as: UTF8.self).contains("in transaction"))
        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()

        let store = try workspace.open()
        let runs = try store.runs(limit: nil)
        XCTAssertEqual(runs.count, 1)
        XCTAssertEqual(runs.first?.status, .interrupted)
        XCTAssertNil(try store.latestArtifact(path: "partial/0"), "uncommitted artifacts must not appear")
        // The store is writable again: the killed writer's lock is gone.
        let next = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c")
        try store.finishRun(next, status: .succeeded, message: nil)
        try store.close()
        XCTAssertEqual(try sqliteQuery(workspace.storeURL, "PRAGMA integrity_check"), [["ok"]])
    }
}
