import EventData
import Foundation
import XCTest

/// `refinery train` against plugins that hang, spin, fork, flood, fake the old protocol or
/// exit early (Fixtures/hostile_plugin.c), with small limits: each is reported naming the
/// plugin and the base point within the limit, no process is left, the other systematic is
/// untouched and the previously recorded data of the hostile one are intact.
final class WorkerSandboxTests: XCTestCase {
    nonisolated(unsafe) static var directory: URL!
    nonisolated(unsafe) static var workspace: URL!
    /// Hashes of what the well-behaved build trained, before any hostile one ran.
    nonisolated(unsafe) static var recorded: [String: String] = [:]
    static let kept = ["surrogates/lepton/model.json", "surrogates/hostile/model.json", "synthetic/hostile/nu0/w.npy",
                       "synthetic/hostile/nu1/w.npy", "synthetic/hostile/nu1/manifest.json"]

    override class func setUp() {
        super.setUp()
        directory = try! CLI.temporaryDirectory("worker-sandbox")
        workspace = try! CLI.workspace(in: directory, events: 3000, trees: 10, systematics: """

          - name: lepton
            plugin: LeptonEfficiency
          - name: hostile
            plugin: Hostile
        """)
        let simulate = try! CLI.run(["simulate", workspace.path, "--threads", "2"])
        precondition(simulate.status == 0, simulate.all)
        try! install([])
        let train = try! CLI.run(["train", workspace.path], environment: ["XDG_CACHE_HOME": directory.path])
        precondition(train.status == 0, train.all)
        for path in kept { recorded[path] = try! FileHash.sha256(file: workspace.appendingPathComponent(path)) }
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    static var library: URL { workspace.appendingPathComponent("plugins/libHostile.so") }

    static func install(_ defines: [String]) throws {
        try FileManager.default.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
        try CLI.compileC(CLI.fixtures.appendingPathComponent("hostile_plugin.c"), output: library, defines: defines)
    }

    /// Trains with the fixture built with `defines`, a 2 s wall-clock and 2 s CPU limit, and a
    /// tag in the environment by which every process it starts can be found afterwards.
    func train(_ defines: [String]) throws -> (result: CLI.Result, seconds: Double) {
        try Self.install(defines)
        let tag = UUID().uuidString
        let start = Date()
        let result = try CLI.run(["train", Self.workspace.path], environment: [
            "REFINERY_PLUGIN_WALL_SECONDS": "2", "REFINERY_PLUGIN_CPU_SECONDS": "2", "REFINERY_TEST_TAG": tag,
            "XDG_CACHE_HOME": Self.directory.path,
        ])
        let seconds = Date().timeIntervalSince(start)
        assertNoProcess(tagged: "REFINERY_TEST_TAG=\(tag)")
        return (result, seconds)
    }

    func assertNoProcess(tagged tag: String, file: StaticString = #filePath, line: UInt = #line) {
        func left() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { pid in
                guard Int32(pid) != nil, let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
                let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
                return !status.contains("State:\tZ") && data.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == tag }
            }
        }
        var remaining = left()
        for _ in 0..<50 where !remaining.isEmpty { usleep(20_000); remaining = left() }
        XCTAssertEqual(remaining, [], "processes left behind", file: file, line: line)
    }

    /// Fails naming the plugin and `mentions`; the other surrogate and the earlier data intact.
    func assertReported(_ run: (result: CLI.Result, seconds: Double), mentions: [String], within limit: Double = 30,
                        file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertNotEqual(run.result.status, 0, run.result.all, file: file, line: line)
        XCTAssertFalse(run.result.signaled, "the host itself must not crash", file: file, line: line)
        XCTAssertLessThan(run.seconds, limit, "reported within the limit", file: file, line: line)
        for text in ["Hostile", Self.library.path] + mentions {
            XCTAssertTrue(run.result.all.contains(text), "expected '\(text)' in:\n\(run.result.all)", file: file, line: line)
        }
        XCTAssertTrue(run.result.all.contains("lepton: reused"), run.result.all, file: file, line: line)
        try assertRecordedDataIntact(file: file, line: line)
    }

    func assertRecordedDataIntact(file: StaticString = #filePath, line: UInt = #line) throws {
        for path in Self.kept {
            XCTAssertEqual(try FileHash.sha256(file: Self.workspace.appendingPathComponent(path)), Self.recorded[path],
                           "\(path) changed", file: file, line: line)
        }
        let staging = try FileManager.default.contentsOfDirectory(atPath: Self.workspace.appendingPathComponent("synthetic").path)
            .filter { $0.contains(".staging-") }
        XCTAssertEqual(staging, [], "staging folders left", file: file, line: line)
    }

    func testDescribeLoopIsReportedNamingTheCall() throws {
        try assertReported(try train(["DESCRIBE_LOOP"]), mentions: ["did not finish describe within 2 s"])
    }

    func testProduceLoopIsStoppedNamingTheBasePoint() throws {
        // The CPU limit (SIGXCPU) or the wall clock, whichever comes first on a loaded machine.
        let run = try train(["PRODUCE_LOOP"])
        try assertReported(run, mentions: ["ν=(1)"])
        XCTAssertTrue(run.result.all.contains("SIGXCPU") || run.result.all.contains("within 2 s"), run.result.all)
    }

    func testSleepIsReportedNamingTheBasePoint() throws {
        try assertReported(try train(["PRODUCE_SLEEP"]), mentions: ["did not finish produce at base point ν=(1) within 2 s"])
    }

    func testForkedChildHoldingThePipesIsKilled() throws {
        try assertReported(try train(["FORK_CHILD"]), mentions: ["produce at base point ν=(1)"])
    }

    /// exit(0) in produce must not leave or replace the recorded data set with an empty folder.
    func testExitZeroInProduceFailsAndKeepsTheRecordedDataSet() throws {
        try assertReported(try train(["EXIT_ZERO"]), mentions: ["exit status 0", "produce at base point ν=(1)", "before reporting completion"])
    }

    /// Old-protocol lines and a 300 MB line on stdout are the plugin's output, nothing more:
    /// the systematic trains, the host does not crash or hang.
    func testProtocolLookingLinesDoNotConfuseTheHost() throws {
        let run = try train(["PROTOCOL_LINES"])
        XCTAssertEqual(run.result.status, 0, run.result.all)
        XCTAssertTrue(run.result.all.contains("hostile: trained"), run.result.all)
        XCTAssertLessThan(run.seconds, 60)
    }

    func testThreeHundredMegabytesWithoutANewlineDoNotConfuseTheHost() throws {
        let run = try train(["FLOOD"])
        XCTAssertEqual(run.result.status, 0, run.result.all)
        XCTAssertLessThan(run.seconds, 60)
    }

    /// The sandbox (Landlock, checked here through the worker's own report and the missing
    /// marker) stops a write outside the staging folder during `train`.
    func testMarkerOutsideTheStagingFolderIsStoppedDuringTrain() throws {
        let marker = Self.directory.appendingPathComponent("marker-train")
        let run = try train(["MARKER=\"\(marker.path)\""])
        XCTAssertEqual(run.result.status, 0, run.result.all)
        XCTAssertTrue(run.result.all.contains("sandbox: Landlock ABI"), run.result.all)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path), "the plugin escaped its staging folder")
    }

    /// Ctrl-C (SIGINT) or SIGTERM to `train` while a plugin sleeps with a forked child:
    /// the host kills the worker's process group on its way out, so nothing outlives it.
    func testInterruptedHostLeavesNoWorkerBehind() throws {
        for signal in [SIGINT, SIGTERM] {
            try Self.install(["FORK_CHILD"])
            let tag = UUID().uuidString
            let process = Process()
            process.executableURL = CLI.executable
            process.arguments = ["train", Self.workspace.path]
            var environment = ProcessInfo.processInfo.environment
            environment["REFINERY_TEST_TAG"] = tag
            environment["XDG_CACHE_HOME"] = Self.directory.path
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Host, worker and the plugin's child: wait until all three exist.
            let deadline = Date().addingTimeInterval(60)
            while tagged(tag).count < 3 && Date() < deadline { usleep(50_000) }
            XCTAssertGreaterThanOrEqual(tagged(tag).count, 3, "the worker and its child never started")
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, .uncaughtSignal)
            assertNoProcess(tagged: "REFINERY_TEST_TAG=\(tag)")
        }
        try Self.install([])
    }

    func tagged(_ tag: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { pid in
            guard Int32(pid) != nil, let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            return !status.contains("State:\tZ") && data.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "REFINERY_TEST_TAG=\(tag)" }
        }
    }

    /// A workspace plugin with a bundled plugin's name is an error naming both paths.
    func testWorkspacePluginShadowingABundledOneIsAnError() throws {
        let ws = try CLI.workspace(in: Self.directory, name: "shadow", events: 1000, trees: 5, systematics: CLI.systematics("scale"))
        XCTAssertEqual(try CLI.run(["simulate", ws.path]).status, 0)
        let shadow = ws.appendingPathComponent("plugins/libScale.so")
        try FileManager.default.createDirectory(at: shadow.deletingLastPathComponent(), withIntermediateDirectories: true)
        try CLI.compileC(CLI.fixtures.appendingPathComponent("hostile_plugin.c"), output: shadow)
        let result = try CLI.run(["train", ws.path])
        XCTAssertNotEqual(result.status, 0, result.all)
        XCTAssertTrue(result.all.contains("found in more than one place"), result.all)
        XCTAssertTrue(result.all.contains(shadow.path), result.all)
        XCTAssertTrue(result.all.contains(CLI.productsDirectory.appendingPathComponent("libRefineryScale.so").path), result.all)
    }

    /// An unpacked archive's plugin is not run by `plugins list` or `provenance stale`
    /// without consent (the sandbox is off here so that a run would show as a marker), and is
    /// with `--trust-archived-plugins`.
    func testArchivedPluginRunsOnlyWithConsent() throws {
        let marker = Self.directory.appendingPathComponent("marker-archive")
        try Self.install(["DESCRIBE_MARKER=\"\(marker.path)\""])
        defer { try? Self.install([]) }
        let archive = Self.directory.appendingPathComponent("hostile.tar.zst")
        let pack = try CLI.run(["pack", Self.workspace.path, "-o", archive.path])
        XCTAssertEqual(pack.status, 0, pack.all)
        let target = Self.directory.appendingPathComponent("unpacked")
        XCTAssertEqual(try CLI.run(["unpack", archive.path, target.path]).status, 0)
        let environment = ["REFINERY_PLUGIN_SANDBOX": "off", "XDG_CACHE_HOME": Self.directory.appendingPathComponent("fresh-cache").path]
        let list = try CLI.run(["plugins", "list", "--workspace", target.path], environment: environment)
        XCTAssertEqual(list.status, 0, list.all)
        XCTAssertTrue(list.all.contains("not run without consent"), list.all)
        let stale = try CLI.run(["provenance", "stale", target.path], environment: environment)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker.path), "archived plugin code ran without consent:\n\(list.all)\n\(stale.all)")
        let trusted = try CLI.run(["plugins", "list", "--workspace", target.path, "--trust-archived-plugins"], environment: environment)
        XCTAssertEqual(trusted.status, 0, trusted.all)
        XCTAssertTrue(FileManager.default.fileExists(atPath: marker.path), "with consent the plugin runs:\n\(trusted.all)")
    }
}
