import Foundation
import XCTest
import Provenance

/// diff: arguments, host build, configuration and plugin inputs, outputs.
final class DiffTests: XCTestCase {
    func testDiffListsWhatDiffersBetweenTwoRuns() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        func record(_ run: Int64, _ role: ArtifactRole, _ path: String, _ kind: ArtifactKind, _ content: String) throws {
            _ = try store.recordArtifact(run: run, role: role, path: path, kind: kind, sha256: fakeHash(path + content), size: 1)
        }
        let a = try store.beginRun(command: "train", arguments: ["--seed", "1"], hostVersion: "1.0", hostCommit: "aaa")
        try record(a, .input, "refinery.yaml", .configuration, "v1")
        try record(a, .input, "plugins/libA.so", .plugin, "a1")
        try record(a, .input, "plugins/libB.so", .plugin, "b1")
        try record(a, .input, "samples/nominal.npy", .sample, "n")
        try record(a, .output, "surrogates/A.bpt", .surrogate, "x")
        try record(a, .output, "surrogates/B.bpt", .surrogate, "y1")
        try record(a, .output, "plots/only-a.svg", .plot, "p")

        let b = try store.beginRun(command: "train", arguments: ["--seed", "2"], hostVersion: "1.1", hostCommit: "bbb")
        try record(b, .input, "refinery.yaml", .configuration, "v2")
        try record(b, .input, "plugins/libA.so", .plugin, "a1")
        try record(b, .input, "plugins/libB.so", .plugin, "b2")
        try record(b, .input, "plugins/libC.so", .plugin, "c1")
        try record(b, .input, "samples/nominal.npy", .sample, "n")
        try record(b, .output, "surrogates/A.bpt", .surrogate, "x")
        try record(b, .output, "surrogates/B.bpt", .surrogate, "y2")
        try record(b, .output, "plots/only-b.svg", .plot, "p")

        let diff = try store.diff(a, b)
        XCTAssertEqual(diff.arguments, .init(a: ["--seed", "1"], b: ["--seed", "2"]))
        XCTAssertEqual(diff.host, .init(a: "1.0 (aaa)", b: "1.1 (bbb)"))
        XCTAssertEqual(diff.configuration.map(\.path), ["refinery.yaml"])
        XCTAssertEqual(diff.configuration.first?.change, .modified)
        XCTAssertEqual(diff.configuration.first?.a?.sha256, fakeHash("refinery.yamlv1"))
        XCTAssertEqual(diff.configuration.first?.b?.sha256, fakeHash("refinery.yamlv2"))
        XCTAssertEqual(diff.plugins.map(\.path), ["plugins/libB.so", "plugins/libC.so"])
        XCTAssertEqual(diff.plugins.map(\.change), [.modified, .onlyInB])
        XCTAssertEqual(diff.outputs.map(\.path), ["plots/only-a.svg", "plots/only-b.svg", "surrogates/B.bpt"])
        XCTAssertEqual(diff.outputs.map(\.change), [.onlyInA, .onlyInB, .modified])
        XCTAssertFalse(diff.isEmpty)

        XCTAssertTrue(try store.diff(a, a).isEmpty)
        XCTAssertProvenanceError(try store.diff(a, 99), .unknownRun(id: 99, path: workspace.storeURL.path))
        // Encodes for --json.
        XCTAssertEqual(try JSONDecoder().decode(RunDiff.self, from: JSONEncoder().encode(diff)), diff)
    }
}
