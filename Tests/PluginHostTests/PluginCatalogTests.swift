import EventData
import Foundation
import XCTest
@testable import PluginHost

/// Resolution on the search path, trust of archived binaries and real dlopen of the bundled
/// plugins.
final class PluginCatalogTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try Fixture.temporaryDirectory("catalog") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func workspace() throws -> URL {
        let root = directory.appendingPathComponent("ws")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("plugins"), withIntermediateDirectories: true)
        return root
    }

    func testBundledPluginLoadsWithRealDlopen() throws {
        let library = try PluginLibrary.load(Fixture.products.appendingPathComponent("libRefineryScale.so"))
        XCTAssertEqual(library.name, "Scale")
        XCTAssertEqual(library.kind, .reweight)
        let spec = try library.describe(configJSON: "{}")
        XCTAssertEqual(spec.basePoints.count, 8)
        XCTAssertEqual(spec.nuisances.count, 2)
    }

    /// A workspace plugin with a bundled plugin's name is an error naming both paths.
    func testWorkspacePluginWithABundledNameIsAnError() throws {
        let root = try workspace()
        let shadow = root.appendingPathComponent("plugins/libScale.so")
        try Fixture.compile([], to: shadow)
        let catalog = PluginCatalog(workspaceRoot: root, executable: Fixture.refinery, environment: [:])
        XCTAssertThrowsError(try catalog.locate("Scale")) { error in
            guard case let .ambiguous(name, paths) = error as? PluginHostError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "Scale")
            XCTAssertEqual(Set(paths), [shadow.path, Fixture.products.appendingPathComponent("libRefineryScale.so").path])
            XCTAssertTrue(error.localizedDescription.contains(shadow.path))
        }
    }

    func testDuplicateOnTheEnvironmentPathIsAnError() throws {
        let a = directory.appendingPathComponent("a/libHostile.so"), b = directory.appendingPathComponent("b/libHostile.so")
        try Fixture.compile([], to: a)
        try Fixture.compile(["PROTOCOL_LINES"], to: b)
        let catalog = PluginCatalog(workspaceRoot: nil, executable: Fixture.refinery,
                                    environment: ["REFINERY_PLUGIN_PATH": a.deletingLastPathComponent().path + ":" + b.deletingLastPathComponent().path])
        XCTAssertThrowsError(try catalog.locate("Hostile")) { error in
            XCTAssertEqual(error as? PluginHostError, .ambiguous(name: "Hostile", paths: [a.path, b.path]))
        }
    }

    /// An archive carries copies of the bundled binaries: the same bytes in two places are one
    /// plugin, and the copy that needs no consent is chosen.
    func testIdenticalCopyFromAnArchiveResolvesToTheBundledOne() throws {
        let root = try workspace()
        let bundled = Fixture.products.appendingPathComponent("libRefineryScale.so")
        let copy = root.appendingPathComponent("plugins/libRefineryScale.so")
        try FileManager.default.copyItem(at: bundled, to: copy)
        try ArchivedBinaries.record([try FileHash.sha256(file: copy)], archiveSHA256: nil, in: root)
        let catalog = PluginCatalog(workspaceRoot: root, executable: Fixture.refinery, environment: [:])
        let resolution = try catalog.resolve("Scale")
        XCTAssertEqual(resolution.url.path, bundled.path)
        XCTAssertEqual(resolution.origin, .bundled)
        XCTAssertEqual(resolution.candidates.count, 2)
    }

    func testRelativePathIsRelativeToTheWorkspaceNotTheCurrentFolder() throws {
        let root = try workspace()
        try Fixture.compile([], to: root.appendingPathComponent("plugins/own/libHostile.so"))
        let catalog = PluginCatalog(workspaceRoot: root, executable: Fixture.refinery, environment: [:])
        XCTAssertNotEqual(FileManager.default.currentDirectoryPath, root.path)
        XCTAssertEqual(try catalog.locate("plugins/own/libHostile.so").path, root.appendingPathComponent("plugins/own/libHostile.so").path)
    }

    /// A binary from an archive never runs without consent, and runs with it (its describe
    /// writes a marker, so the test sees whether plugin code ran).
    func testArchivedBinaryRunsOnlyWithConsent() throws {
        let root = try workspace()
        let marker = root.appendingPathComponent("plugins/ran")  // inside the workspace, but describe may not write at all
        let library = root.appendingPathComponent("plugins/libHostile.so")
        try Fixture.compile([], to: library)
        try ArchivedBinaries.record([try FileHash.sha256(file: library)], archiveSHA256: nil, in: root)
        let refusing = PluginProcess(executable: Fixture.refinery, trust: PluginTrust(workspaceRoot: root, allowArchived: false))
        XCTAssertThrowsError(try refusing.describe(library)) { error in
            guard case .archivedNotTrusted(library.path, _) = error as? PluginHostError else { return XCTFail("\(error)") }
        }
        let consenting = PluginProcess(executable: Fixture.refinery, trust: PluginTrust(workspaceRoot: root, allowArchived: true))
        XCTAssertEqual(try consenting.describe(library).name, "Hostile")
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path))
        // A binary the user built after unpacking (other bytes) is theirs.
        try Fixture.compile(["PROTOCOL_LINES"], to: library)
        XCTAssertEqual(try refusing.describe(library).name, "Hostile")
    }

    func testDescriptionCacheLivesInTheUserCacheAndIsKeyedByBinary() throws {
        let cache = DescriptionCache.user(environment: ["XDG_CACHE_HOME": directory.path])
        XCTAssertEqual(cache.folder.path, directory.appendingPathComponent("refinery/plugin-descriptions").path)
        var calls = 0
        let library = Fixture.products.appendingPathComponent("libRefineryScale.so")
        let hash = try FileHash.sha256(file: library)
        let process = PluginProcess(executable: Fixture.refinery)
        let first = try cache.description(pluginSHA256: hash, configJSON: "{}") { calls += 1; return try process.describe(library) }
        let second = try cache.description(pluginSHA256: hash, configJSON: "{}") { calls += 1; return try process.describe(library) }
        XCTAssertEqual(calls, 1)
        XCTAssertEqual(first, second)
        XCTAssertNil(cache.cached(pluginSHA256: hash, configJSON: "{\"other\": 1}"))
    }

    /// A describe reports the sandbox it ran in: no writes at all.
    func testDescribeRunsWithoutWriteAccess() throws {
        guard PluginSandbox.landlockABI().abi != nil else { throw XCTSkip("no Landlock") }
        let marker = directory.appendingPathComponent("describe-marker")
        let library = directory.appendingPathComponent("libHostile.so")
        try Fixture.compile(["DESCRIBE_MARKER=\"\(marker.path)\""], to: library)
        XCTAssertEqual(try PluginProcess(executable: Fixture.refinery).describe(library).name, "Hostile")
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path))
    }
}
