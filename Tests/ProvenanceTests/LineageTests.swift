import Foundation
import XCTest
import Provenance

/// Lineage: from a surrogate back through the runs that produced it to the roots, and lookups
/// by hash prefix.
final class LineageTests: XCTestCase {
    /// simulate (config → nominal sample), synthesize (nominal + plugin + plugin config →
    /// synthetic), train (synthetic + nominal + plugin + plugin config → surrogate), all with
    /// real files whose hashes the lineage must name.
    func testLineageOfSurrogateNamesNominalPluginAndConfigurationHashes() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let config = try workspace.write("refinery.yaml", "events: 1000\nseed: 7\n")
        let pluginConfig = try workspace.write("plugins/Scale.json", "{\"range\": 0.5}")
        let plugin = try workspace.write("plugins/libRefineryScale.so", "\u{7f}ELF pretend plugin binary")
        let nominal = try workspace.write("samples/nominal/x.npy", "nominal events")
        let synthetic = try workspace.write("synthetic/Scale/x.npy", "varied events")
        let model = try workspace.write("surrogates/Scale.bpt", "trees")

        let simulate = try store.beginRun(command: "simulate", arguments: [], hostVersion: "1", hostCommit: "c")
        _ = try store.recordArtifact(run: simulate, role: .input, path: "refinery.yaml", kind: .configuration, sha256: config.sha256, size: config.size)
        _ = try store.recordArtifact(run: simulate, role: .output, path: "samples/nominal/x.npy", kind: .sample, sha256: nominal.sha256, size: nominal.size)
        try store.finishRun(simulate, status: .succeeded, message: nil)

        let synthesize = try store.beginRun(command: "synthesize", arguments: ["Scale"], hostVersion: "1", hostCommit: "c")
        for (path, kind, file) in [("samples/nominal/x.npy", ArtifactKind.sample, nominal),
                                   ("plugins/libRefineryScale.so", .plugin, plugin), ("plugins/Scale.json", .configuration, pluginConfig)] {
            _ = try store.recordArtifact(run: synthesize, role: .input, path: path, kind: kind, sha256: file.sha256, size: file.size)
        }
        _ = try store.recordArtifact(run: synthesize, role: .output, path: "synthetic/Scale/x.npy", kind: .synthetic, sha256: synthetic.sha256, size: synthetic.size)
        try store.finishRun(synthesize, status: .succeeded, message: nil)

        let train = try store.beginRun(command: "train", arguments: ["--only", "Scale"], hostVersion: "1", hostCommit: "c")
        for (path, kind, file) in [("synthetic/Scale/x.npy", ArtifactKind.synthetic, synthetic), ("samples/nominal/x.npy", .sample, nominal),
                                   ("plugins/libRefineryScale.so", .plugin, plugin), ("plugins/Scale.json", .configuration, pluginConfig)] {
            _ = try store.recordArtifact(run: train, role: .input, path: path, kind: kind, sha256: file.sha256, size: file.size)
        }
        let modelID = try store.recordArtifact(run: train, role: .output, path: "surrogates/Scale.bpt", kind: .surrogate, sha256: model.sha256, size: model.size)
        _ = try store.recordSurrogate(SurrogateEntry(
            artifactID: modelID, systematic: "Scale", nuisances: ["nu_R"], terms: [[0], [0, 0]], basePoints: [[-1], [1]],
            settings: ["trees": 100], seed: 42, identityKey: "key-scale", pluginSHA256: plugin.sha256, pluginName: "Scale",
            pluginVersion: "1.0", pluginPath: "plugins/libRefineryScale.so", configJSON: "{\"range\": 0.5}",
            nominalSHA256: nominal.sha256, learnerVersion: "bpt-1", closureFigures: [], runID: train))
        try store.finishRun(train, status: .succeeded, message: nil)

        let tree = try store.lineage(of: "surrogates/Scale.bpt")
        XCTAssertEqual(tree.artifact.sha256, model.sha256)
        XCTAssertEqual(tree.producedBy?.id, train)
        XCTAssertEqual(tree.surrogate?.seed, 42)
        XCTAssertEqual(tree.surrogate?.pluginSHA256, plugin.sha256)
        XCTAssertEqual(tree.inputs.map(\.artifact.path),
                       ["synthetic/Scale/x.npy", "samples/nominal/x.npy", "plugins/libRefineryScale.so", "plugins/Scale.json"])

        // Level two: the synthetic set was made by `synthesize` from the nominal sample...
        let syntheticNode = tree.inputs[0]
        XCTAssertEqual(syntheticNode.producedBy?.id, synthesize)
        XCTAssertEqual(syntheticNode.inputs.map(\.artifact.sha256), [nominal.sha256, plugin.sha256, pluginConfig.sha256])
        // ...and level three: the nominal sample by `simulate` from the workspace configuration.
        let nominalNode = syntheticNode.inputs[0]
        XCTAssertFalse(nominalNode.expandedElsewhere)
        XCTAssertEqual(nominalNode.producedBy?.id, simulate)
        XCTAssertEqual(nominalNode.inputs.map(\.artifact.sha256), [config.sha256])
        // Shared ancestors are expanded once.
        XCTAssertTrue(tree.inputs[1].expandedElsewhere)

        let roots = tree.roots()
        XCTAssertEqual(Set(roots.map(\.sha256)), [config.sha256, plugin.sha256, pluginConfig.sha256])
        let everything = Set(tree.allArtifacts().map(\.sha256))
        XCTAssertEqual(everything, [model.sha256, synthetic.sha256, nominal.sha256, plugin.sha256, pluginConfig.sha256, config.sha256])

        // The same tree from a hash prefix, and it encodes for --json.
        XCTAssertEqual(try store.lineage(of: String(model.sha256.prefix(10))), tree)
        let json = try JSONEncoder().encode(tree)
        XCTAssertEqual(try JSONDecoder().decode(LineageNode.self, from: json), tree)
    }

    func testHashPrefixLookupAndAmbiguity() throws {
        let workspace = try TestWorkspace()
        let store = try workspace.open()
        let run = try store.beginRun(command: "simulate", arguments: [], hostVersion: "1", hostCommit: "c")
        let first = "abcd1" + String(repeating: "0", count: 59)
        let second = "abcd2" + String(repeating: "0", count: 59)
        _ = try store.recordArtifact(run: run, role: .output, path: "a.npy", kind: .sample, sha256: first, size: 1)
        _ = try store.recordArtifact(run: run, role: .output, path: "b.npy", kind: .sample, sha256: second, size: 1)

        XCTAssertEqual(try store.lineage(of: "abcd1").artifact.path, "a.npy")
        XCTAssertEqual(try store.lineage(of: "ABCD2").artifact.path, "b.npy")
        XCTAssertEqual(try store.lineage(of: second).artifact.path, "b.npy")
        let path = workspace.storeURL.path
        XCTAssertProvenanceError(try store.lineage(of: "abcd"),
                                 .ambiguousHashPrefix(prefix: "abcd", candidates: ["\(first) a.npy (sample)", "\(second) b.npy (sample)"], path: path))
        do {
            _ = try store.lineage(of: "abcd")
        } catch {
            XCTAssertTrue(error.localizedDescription.contains("a.npy") && error.localizedDescription.contains("b.npy"))
        }
        XCTAssertProvenanceError(try store.lineage(of: "ffff"), .unknownArtifact(query: "ffff", path: path))
        // Too short to be a prefix (and not a path).
        XCTAssertProvenanceError(try store.lineage(of: "abc"), .unknownArtifact(query: "abc", path: path))
        XCTAssertProvenanceError(try store.lineage(of: "c.npy"), .unknownArtifact(query: "c.npy", path: path))
    }
}
