import Foundation
import XCTest

/// A broken plugin costs only its own systematic: the message names the plugin, its path and
/// the base point, and the other surrogates are still trained and kept.
final class PluginFailureTests: XCTestCase {
    nonisolated(unsafe) static var directory: URL!
    nonisolated(unsafe) static var workspace: URL!

    /// One simulated workspace shared by every case (a few seconds to make).
    override class func setUp() {
        super.setUp()
        directory = try! CLI.temporaryDirectory("plugin-failures")
        workspace = try! CLI.workspace(in: directory, events: 3000, trees: 10, systematics: """

          - name: lepton
            plugin: LeptonEfficiency
          - name: bad
            plugin: Misbehaving
        """)
        let result = try! CLI.run(["simulate", workspace.path, "--threads", "2"])
        precondition(result.status == 0, result.all)
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    /// Builds the fixture with `defines` as the workspace's `Misbehaving` plugin, trains, and
    /// returns the result.
    func train(defines: [String]) throws -> CLI.Result {
        let plugins = Self.workspace.appendingPathComponent("plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        try CLI.compileC(CLI.fixtures.appendingPathComponent("misbehaving_plugin.c"),
                         output: plugins.appendingPathComponent("libMisbehaving.so"), defines: defines)
        try? FileManager.default.removeItem(at: Self.workspace.appendingPathComponent("surrogates"))
        return try CLI.run(["train", "--allow-closure-failure", Self.workspace.path])
    }

    var pluginPath: String { Self.workspace.appendingPathComponent("plugins/libMisbehaving.so").path }

    func assertFailsCleanly(_ result: CLI.Result, mentions: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNotEqual(result.status, 0, "train must fail when a plugin fails", file: file, line: line)
        XCTAssertFalse(result.signaled, "the host itself must not crash", file: file, line: line)
        for text in mentions { XCTAssertTrue(result.all.contains(text), "expected '\(text)' in:\n\(result.all)", file: file, line: line) }
        XCTAssertFalse(result.all.contains("failed: plugin '"), "the plugin is named once per message:\n\(result.all)", file: file, line: line)
        let kept = Self.workspace.appendingPathComponent("surrogates/lepton/model.json")
        XCTAssertTrue(FileManager.default.fileExists(atPath: kept.path), "the other surrogate must be trained and kept", file: file, line: line)
        XCTAssertFalse(FileManager.default.fileExists(atPath: Self.workspace.appendingPathComponent("surrogates/bad/model.json").path),
                       "nothing of the failed plugin may be kept", file: file, line: line)
    }

    /// A configuration the plugin refuses: the error names the systematic's plugin, its path
    /// and the key, once, and nothing is trained for it.
    func testInvalidConfigurationNamesPluginAndKeyOnce() throws {
        let workspace = try CLI.workspace(in: Self.directory, name: "badconfig", events: 2000, trees: 5, systematics: """

          - name: JES
            plugin: JetEnergyScale
            config: {high_pt_pivot: -5}
        """)
        XCTAssertEqual(try CLI.run(["simulate", workspace.path]).status, 0)
        let result = try CLI.run(["train", "--allow-closure-failure", workspace.path])
        XCTAssertEqual(result.status, 1, result.all)
        XCTAssertTrue(result.all.contains("configuration key 'high_pt_pivot' must be a positive transverse momentum"), result.all)
        let lines = result.all.split(separator: "\n").filter { $0.contains("high_pt_pivot") }
        XCTAssertFalse(lines.isEmpty)
        for line in lines {
            XCTAssertEqual(line.components(separatedBy: "plugin 'JetEnergyScale' (").count - 1, 1, "named once per message: \(line)")
            XCTAssertTrue(line.contains("libRefineryJetEnergyScale.so"), String(line))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.appendingPathComponent("surrogates/JES/model.json").path))
    }

    /// Numbers in a plugin's description are range-checked (issue 11, bounded parsing): each
    /// refused within a second, naming the plugin and the limit.
    func testAbsurdOrNonFiniteSpecNumbersAreRefusedNamingTheLimit() throws {
        for (define, expected) in [("MILLION_BASE_POINTS", "declares 1000000 base points; the host accepts at most 4096"),
                                   ("NAN_BASE_POINT", "base point 1 has nu_bad = nan"),
                                   ("INFINITE_LEARNING_RATE", "default learning rate inf is not in (0, 1]")] {
            let start = Date()
            let result = try train(defines: [define])
            assertFailsCleanly(result, mentions: [expected, "Misbehaving", pluginPath])
            XCTAssertLessThan(Date().timeIntervalSince(start), 30, "\(define) must fail fast")
        }
    }

    func testWellBehavedFixtureTrains() throws {
        let result = try train(defines: [])
        XCTAssertEqual(result.status, 0, result.all)
    }

    func testNaNWeight() throws {
        assertFailsCleanly(try train(defines: ["NAN_WEIGHT"]), mentions: ["Misbehaving", pluginPath, "ν=(1)", "event 3", "nan"])
    }

    func testInfiniteWeight() throws {
        assertFailsCleanly(try train(defines: ["INFINITE_WEIGHT"]), mentions: ["Misbehaving", pluginPath, "ν=(1)", "event 5", "inf"])
    }

    func testNegativeWeight() throws {
        assertFailsCleanly(try train(defines: ["NEGATIVE_WEIGHT"]), mentions: ["Misbehaving", pluginPath, "ν=(1)", "event 2", "must be positive"])
    }

    func testWrongLength() throws {
        assertFailsCleanly(try train(defines: ["WRONG_LENGTH"]), mentions: ["Misbehaving", pluginPath, "ν=(1)", "weights for a nominal sample"])
    }

    func testErrorStatus() throws {
        assertFailsCleanly(try train(defines: ["ERROR_STATUS"]), mentions: ["Misbehaving", pluginPath, "ν=(1)", "calibration table for this point is missing"])
    }

    func testRankDeficientBasePoints() throws {
        assertFailsCleanly(try train(defines: ["RANK_DEFICIENT"]), mentions: ["Misbehaving", pluginPath, "cannot be determined"])
    }

    func testSegfaultIsReportedAndIsolated() throws {
        assertFailsCleanly(try train(defines: ["SEGFAULT"]), mentions: ["Misbehaving", pluginPath, "crashed", "SIGSEGV", "ν=(1)"])
    }

    func testWrongABIVersion() throws {
        assertFailsCleanly(try train(defines: ["WRONG_ABI"]), mentions: [pluginPath, "ABI version 42", "Rebuild"])
    }

    func testMissingEntryPoint() throws {
        assertFailsCleanly(try train(defines: ["NO_ENTRY"]), mentions: [pluginPath, "refinery_plugin_entry"])
    }

    func testNotASharedObject() throws {
        let plugins = Self.workspace.appendingPathComponent("plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        try "this is not an ELF file".write(to: plugins.appendingPathComponent("libMisbehaving.so"), atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(at: Self.workspace.appendingPathComponent("surrogates"))
        assertFailsCleanly(try CLI.run(["train", "--allow-closure-failure", Self.workspace.path]), mentions: [pluginPath, "not a loadable shared library"])
    }
}
