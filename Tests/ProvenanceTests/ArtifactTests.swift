import Foundation
import XCTest
import Provenance

/// Artifact versions: one row per (path, sha256), one edge per use, latest version by recency.
final class ArtifactTests: XCTestCase {
    func testArtifactVersionsAreDedupedAndEveryUseIsAnEdge() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let v1 = fakeHash("config v1"), v2 = fakeHash("config v2")

        let first = try store.beginRun(command: "simulate", arguments: [], hostVersion: "1", hostCommit: "c")
        let a1 = try store.recordArtifact(run: first, role: .output, path: "config.yaml", kind: .configuration, sha256: v1, size: 10)
        // Same edge again: no duplicate.
        XCTAssertEqual(try store.recordArtifact(run: first, role: .output, path: "config.yaml", kind: .configuration, sha256: v1, size: 10), a1)

        let second = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c")
        // Same version used by another run: same row (spelling and hash case do not matter).
        XCTAssertEqual(try store.recordArtifact(run: second, role: .input, path: "./config.yaml", kind: .configuration,
                                                sha256: v1.uppercased(), size: 10), a1)
        let a2 = try store.recordArtifact(run: second, role: .output, path: "config.yaml", kind: .configuration, sha256: v2, size: 11)
        XCTAssertNotEqual(a1, a2)

        XCTAssertEqual(try store.run(first).outputs.map(\.id), [a1])
        XCTAssertEqual(try store.run(first).inputs, [])
        XCTAssertEqual(try store.run(second).inputs.map(\.id), [a1])
        XCTAssertEqual(try store.run(second).outputs.map(\.id), [a2])
        let recorded = try store.run(second).outputs[0]
        XCTAssertEqual(recorded.sha256, v2)
        XCTAssertEqual(recorded.size, 11)
        XCTAssertEqual(recorded.kind, .configuration)
        XCTAssertEqual(recorded.createdByRun, second)
        XCTAssertEqual(try store.run(second).inputs[0].createdByRun, first, "the version keeps its first recorder")

        XCTAssertEqual(try store.latestArtifact(path: "config.yaml")?.id, a2)
        // Reverting the file: the older version becomes the latest again.
        let third = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c")
        XCTAssertEqual(try store.recordArtifact(run: third, role: .input, path: "config.yaml", kind: .configuration, sha256: v1, size: 10), a1)
        XCTAssertEqual(try store.latestArtifact(path: "config.yaml")?.id, a1)
        XCTAssertNil(try store.latestArtifact(path: "never/recorded"))
        XCTAssertEqual(try store.artifact(id: a2).sha256, v2)

        try store.close()
        XCTAssertEqual(try sqliteCount(workspace.storeURL, "SELECT COUNT(*) FROM artifacts"), 2)
        XCTAssertEqual(try sqliteCount(workspace.storeURL, "SELECT COUNT(*) FROM edges"), 4)
    }

    func testInvalidRecordsAreRefused() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let path = workspace.storeURL.path
        let run = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c")
        let hash = fakeHash("x")
        for bad in ["../outside", "a/../../b", "/opt/../etc/passwd", "", ".", "/"] {
            XCTAssertProvenanceError(try store.recordArtifact(run: run, role: .input, path: bad, kind: .sample, sha256: hash, size: 1),
                                     .invalidArtifactPath(artifactPath: bad, path: path))
        }
        for bad in ["abc", String(repeating: "g", count: 64), hash + "0"] {
            XCTAssertProvenanceError(try store.recordArtifact(run: run, role: .input, path: "a", kind: .sample, sha256: bad, size: 1),
                                     .invalidHash(hash: bad, artifactPath: "a", path: path))
        }
        XCTAssertProvenanceError(try store.recordArtifact(run: 42, role: .input, path: "a", kind: .sample, sha256: hash, size: 1),
                                 .unknownRun(id: 42, path: path))
        XCTAssertProvenanceError(try store.artifact(id: 42), .unknownArtifactID(id: 42, path: path))
        XCTAssertEqual(try store.run(run).inputs, [])
    }

    /// Files inside the workspace are recorded relative to it however they are spelled; files
    /// outside it (a plugin binary in the build folder) keep their absolute path.
    func testPathsInsideTheWorkspaceAreRelativeAndOutsideAbsolute() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let run = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c")
        let inside = workspace.root.appendingPathComponent("plugins/libScale.so").path
        let id = try store.recordArtifact(run: run, role: .input, path: inside, kind: .plugin, sha256: fakeHash("p"), size: 1)
        XCTAssertEqual(try store.artifact(id: id).path, "plugins/libScale.so")
        XCTAssertEqual(try store.recordArtifact(run: run, role: .input, path: "plugins/./libScale.so", kind: .plugin,
                                                sha256: fakeHash("p"), size: 1), id)
        let outside = try store.recordArtifact(run: run, role: .input, path: "/opt/refinery//lib/libJES.so", kind: .plugin,
                                               sha256: fakeHash("q"), size: 1)
        XCTAssertEqual(try store.artifact(id: outside).path, "/opt/refinery/lib/libJES.so")
        XCTAssertEqual(try store.latestArtifact(path: "/opt/refinery/lib/libJES.so")?.id, outside)
        XCTAssertEqual(try store.lineage(of: inside).artifact.id, id)
    }
}
