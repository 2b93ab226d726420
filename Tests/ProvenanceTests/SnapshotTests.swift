import Foundation
import XCTest
import Provenance

/// snapshot(to:) writes a valid, complete copy of the store for archives.
final class SnapshotTests: XCTestCase {
    func testSnapshotIsAValidDatabaseWithTheSameRows() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        for index in 0..<5 {
            let run = try store.beginRun(command: "train", arguments: ["\(index)"], hostVersion: "1", hostCommit: "c")
            let model = try store.recordArtifact(run: run, role: .output, path: "surrogates/S\(index).bpt", kind: .surrogate,
                                                 sha256: fakeHash("model \(index)"), size: 10)
            _ = try store.recordArtifact(run: run, role: .input, path: "refinery.yaml", kind: .configuration, sha256: fakeHash("config"), size: 3)
            _ = try store.recordSurrogate(SurrogateEntry(
                artifactID: model, systematic: "S\(index)", nuisances: ["nu"], terms: [[0]], basePoints: [[1]], settings: [:], seed: 1,
                identityKey: "k\(index)", pluginSHA256: fakeHash("p"), pluginName: "S", pluginVersion: "1", pluginPath: "p.so",
                configJSON: "{}", nominalSHA256: fakeHash("n"), learnerVersion: "1", closureFigures: [], runID: run))
            if index < 4 { try store.finishRun(run, status: .succeeded, message: nil) }
        }
        // Taken while the store is open and its last writes may still be in the WAL.
        let destination = workspace.root.appendingPathComponent("archive/provenance-snapshot.sqlite")
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("stale".utf8).write(to: destination)
        try store.snapshot(to: destination)

        XCTAssertEqual(try sqliteQuery(destination, "PRAGMA integrity_check"), [["ok"]])
        XCTAssertEqual(try sqliteQuery(destination, "PRAGMA user_version"), [["\(ProvenanceStore.schemaVersion)"]])
        for table in ["runs", "artifacts", "edges", "surrogates", "grdb_migrations"] {
            XCTAssertEqual(try sqliteQuery(destination, "SELECT * FROM \(table) ORDER BY 1"),
                           try sqliteQuery(workspace.storeURL, "SELECT * FROM \(table) ORDER BY 1"), table)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: destination.deletingLastPathComponent().path),
                       ["provenance-snapshot.sqlite"], "no temporary file left")

        // An unpacked archive opens it as its store (the copied running run belongs to this live
        // process, so it stays running).
        let unpacked = try TestWorkspace()
        try FileManager.default.copyItem(at: destination, to: unpacked.storeURL)
        let copy = try unpacked.open()
        XCTAssertEqual(try copy.runs(limit: nil), try store.runs(limit: nil))
        XCTAssertEqual(try copy.lineage(of: "surrogates/S2.bpt"), try store.lineage(of: "surrogates/S2.bpt"))

        let nowhere = workspace.root.appendingPathComponent("missing-folder/copy.sqlite")
        XCTAssertThrowsError(try store.snapshot(to: nowhere)) { error in
            guard case .snapshotFailed(let path, _, _)? = error as? ProvenanceError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, nowhere.path)
        }
    }
}
