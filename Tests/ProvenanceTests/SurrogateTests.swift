import Foundation
import XCTest
import Provenance

/// Surrogate history per systematic and lookups by identity key.
final class SurrogateTests: XCTestCase {
    private func entry(_ store: ProvenanceStore, run: Int64, systematic: String, key: String, plugin: String,
                       seed: UInt64, version: Int) throws -> SurrogateEntry {
        let model = try store.recordArtifact(run: run, role: .output, path: "surrogates/\(systematic).bpt", kind: .surrogate,
                                             sha256: fakeHash("\(systematic) \(version)"), size: 100)
        return SurrogateEntry(artifactID: model, systematic: systematic, nuisances: ["nu_a", "nu_b"], terms: [[0], [1], [0, 1]],
                              basePoints: [[-1, 0], [1, 0], [0.5, 0.25]], settings: ["trees": 300, "learning_rate": 0.2],
                              seed: seed, identityKey: key, pluginSHA256: fakeHash(plugin), pluginName: systematic,
                              pluginVersion: "1.0", pluginPath: "plugins/lib\(systematic).so", configJSON: "{}",
                              nominalSHA256: fakeHash("nominal"), learnerVersion: "bpt-1", closureFigures: ["plots/\(systematic)-\(version).svg"],
                              runID: run)
    }

    func testHistoryIsOrderedAndLatestLookupsFindTheNewest() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let run = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c")
        let first = try entry(store, run: run, systematic: "Scale", key: "k1", plugin: "p1", seed: 1, version: 1)
        let firstID = try store.recordSurrogate(first)
        let other = try store.recordSurrogate(try entry(store, run: run, systematic: "JES", key: "j1", plugin: "q", seed: 1, version: 1))
        var second = try entry(store, run: run, systematic: "Scale", key: "k2", plugin: "p2", seed: UInt64.max, version: 2)
        second.configJSON = "{\"range\":1}"
        let secondID = try store.recordSurrogate(second)
        let thirdID = try store.recordSurrogate(try entry(store, run: run, systematic: "Scale", key: "k1", plugin: "p1", seed: 1, version: 3))

        let history = try store.surrogates(systematic: "Scale")
        XCTAssertEqual(history.map(\.id), [firstID, secondID, thirdID])
        XCTAssertEqual(history.map(\.identityKey), ["k1", "k2", "k1"])
        // Everything round-trips, including a seed above Int64.max.
        var expected = second
        expected.id = secondID
        expected.createdAt = history[1].createdAt
        XCTAssertEqual(history[1], expected)
        XCTAssertNotNil(history[1].createdAt)

        XCTAssertEqual(try store.latestSurrogate(identityKey: "k1")?.id, thirdID)
        XCTAssertEqual(try store.latestSurrogate(identityKey: "j1")?.id, other)
        XCTAssertNil(try store.latestSurrogate(identityKey: "nope"))
        XCTAssertEqual(try store.latestSurrogate(systematic: "Scale")?.id, thirdID)
        XCTAssertEqual(try store.surrogates(systematic: "Unknown"), [])
        XCTAssertEqual(try store.run(run).surrogates.map(\.id), [firstID, other, secondID, thirdID])

        // Why consecutive versions differ.
        XCTAssertEqual(history[1].changes(from: history[0]), [.pluginBinary, .pluginConfiguration, .seed])
        XCTAssertEqual(history[2].changes(from: history[0]), [])
    }

    func testSurrogateNeedsRecordedModelAndRun() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let run = try store.beginRun(command: "train", arguments: [], hostVersion: "1", hostCommit: "c")
        var value = try entry(store, run: run, systematic: "Scale", key: "k", plugin: "p", seed: 1, version: 1)
        value.artifactID = 999
        XCTAssertProvenanceError(try store.recordSurrogate(value), .unknownArtifactID(id: 999, path: workspace.storeURL.path))
        value.artifactID = 1
        value.runID = 77
        XCTAssertProvenanceError(try store.recordSurrogate(value), .unknownRun(id: 77, path: workspace.storeURL.path))
        XCTAssertEqual(try store.surrogates(systematic: "Scale"), [])
    }
}
