import Foundation
@testable import Provenance
import XCTest

/// `archivalSnapshot` (what `pack` archives) writes the clean form `unpack` accepts.
final class CleanArchivalSnapshotTests: XCTestCase {
    func testArchivalSnapshotIsInCleanFormAndKeepsTheAnalysisRuns() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let run = try store.beginRun(command: "simulate", arguments: [], hostVersion: "1", hostCommit: "c")
        try store.finishRun(run, status: .succeeded, message: nil)
        let pack = try store.beginRun(command: "pack", arguments: [], hostVersion: "1", hostCommit: "c")
        _ = try store.recordArtifact(run: pack, role: .output, path: "archives/a.tar.zst", kind: .archive, sha256: fakeHash("a"), size: 1)
        let snapshot = workspace.root.appendingPathComponent("snapshot.sqlite")
        try store.archivalSnapshot(to: snapshot, excludingCommands: ["pack"])
        try store.close()
        XCTAssertEqual(try sqliteQuery(snapshot, "SELECT command FROM runs"), [["simulate"]])
        XCTAssertEqual(try sqliteQuery(snapshot, "SELECT count(*) FROM artifacts"), [["0"]])
        // Clean form: a clean copy of it is byte-identical.
        let again = workspace.root.appendingPathComponent("again.sqlite")
        try ArchivedStore.copyClean(from: snapshot, to: again)
        XCTAssertEqual(try Data(contentsOf: again), try Data(contentsOf: snapshot))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: workspace.root.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [])
    }
}
