import Foundation
import XCTest
import Provenance

/// Per-task journals (docs/cluster.md, store mode `journal`): private stores whose rows are
/// merged into the workspace's store in one transaction, ids remapped, shared artifact versions
/// reused, and nothing merged at all when one journal is refused.
final class JournalMergeTests: XCTestCase {
    /// A journal as a task leaves it: a private store recording one training run, copied clean.
    func journal(_ workspace: TestWorkspace, task: Int, extraRuns: Int = 0) throws -> URL {
        let scratch = workspace.root.appendingPathComponent(".task-\(task)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let store = try ProvenanceStore.open(file: scratch.appendingPathComponent("private.sqlite"), workspace: workspace.root)
        for _ in 0..<extraRuns {
            try store.finishRun(try store.beginRun(command: "noise", arguments: [], hostVersion: "1", hostCommit: "c"), status: .succeeded, message: nil)
        }
        let run = try store.beginRun(command: "train-systematic", arguments: ["--only", "S\(task)"], hostVersion: "1", hostCommit: "c",
                                     jobID: "7_\(task)", node: "node\(task)")
        _ = try store.recordArtifact(run: run, role: .input, path: "refinery.yaml", kind: .configuration, sha256: fakeHash("config"), size: 3)
        let model = try store.recordArtifact(run: run, role: .output, path: "surrogates/S\(task)/model.json", kind: .surrogate,
                                             sha256: fakeHash("model \(task)"), size: 10)
        _ = try store.recordSurrogate(SurrogateEntry(
            artifactID: model, systematic: "S\(task)", nuisances: ["nu"], terms: [[0]], basePoints: [[1]], settings: [:], seed: 1,
            identityKey: "k\(task)", pluginSHA256: fakeHash("p"), pluginName: "S", pluginVersion: "1", pluginPath: "p.so",
            configJSON: "{}", nominalSHA256: fakeHash("n"), learnerVersion: "1", closureFigures: [], runID: run))
        try store.finishRun(run, status: .succeeded, message: nil)
        let snapshot = scratch.appendingPathComponent("snapshot.sqlite")
        try store.snapshot(to: snapshot)
        let journal = workspace.root.appendingPathComponent("journals/task-\(task).sqlite")
        try FileManager.default.createDirectory(at: journal.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ArchivedStore.copyClean(from: snapshot, to: journal)
        return journal
    }

    func testJournalsMergeWithRemappedIdsAndSharedArtifacts() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        // The shared store already has runs and the configuration version the tasks read.
        let earlier = try store.beginRun(command: "simulate", arguments: [], hostVersion: "1", hostCommit: "c")
        _ = try store.recordArtifact(run: earlier, role: .input, path: "refinery.yaml", kind: .configuration, sha256: fakeHash("config"), size: 3)
        try store.finishRun(earlier, status: .succeeded, message: nil)
        let journals = [try journal(workspace, task: 0), try journal(workspace, task: 1, extraRuns: 3)]

        let merge = try store.mergeJournals(journals)
        XCTAssertEqual(merge, .init(journals: 2, runs: 5, artifacts: 2, edges: 4, surrogates: 2))
        // Independent reader: every task's run with its job and node, its model, its surrogate.
        let rows = try sqliteQuery(workspace.storeURL, """
            SELECT r.job_id, r.node, a.path, s.systematic, (SELECT COUNT(*) FROM edges e WHERE e.run_id = r.id)
            FROM surrogates s JOIN runs r ON r.id = s.run_id JOIN artifacts a ON a.id = s.artifact_id ORDER BY r.job_id
            """)
        XCTAssertEqual(rows, [["7_0", "node0", "surrogates/S0/model.json", "S0", "2"], ["7_1", "node1", "surrogates/S1/model.json", "S1", "2"]])
        XCTAssertEqual(try sqliteQuery(workspace.storeURL, "SELECT COUNT(*) FROM artifacts WHERE path = 'refinery.yaml'"), [["1"]],
                       "the configuration version both tasks read is the store's existing row")
        XCTAssertEqual(try sqliteQuery(workspace.storeURL, "SELECT created_by_run FROM artifacts WHERE path = 'refinery.yaml'"), [["\(earlier)"]])
        XCTAssertEqual(try sqliteQuery(workspace.storeURL, "PRAGMA foreign_key_check"), [])
    }

    /// One journal that is not a clean store (a trigger added) refuses the whole merge: the
    /// other journal's rows are not merged either.
    func testARefusedJournalMergesNothing() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let good = try journal(workspace, task: 0)
        let bad = try journal(workspace, task: 1)
        try Shell.python("import sqlite3, sys\ncon = sqlite3.connect(sys.argv[1])\ncon.execute('CREATE TRIGGER t AFTER INSERT ON runs BEGIN DELETE FROM runs; END')\ncon.commit()", [bad.path])
        XCTAssertThrowsError(try store.mergeJournals([good, bad])) { error in
            XCTAssertTrue("\(error)".contains("task-1.sqlite"), "\(error)")
        }
        XCTAssertEqual(try sqliteQuery(workspace.storeURL, "SELECT COUNT(*) FROM runs"), [["0"]])
    }
}
