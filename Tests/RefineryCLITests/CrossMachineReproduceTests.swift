import Foundation
import XCTest

/// Reproducing an archive on another machine, whose own build of a plugin differs in bytes
/// from the archived copy: with consent the recorded (archived) binary runs and the outputs are
/// identical; without consent nothing runs and the name matching different binaries is an
/// error listing both.
final class CrossMachineReproduceTests: XCTestCase {
    var directory: URL!
    override func setUpWithError() throws { directory = try CLI.temporaryDirectory("cross-machine") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// A folder on `REFINERY_PLUGIN_PATH` holding the fixture as built on `machine`.
    func pluginFolder(_ machine: String) throws -> URL {
        let folder = directory.appendingPathComponent("plugins-\(machine)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try CLI.compileC(CLI.fixtures.appendingPathComponent("misbehaving_plugin.c"),
                         output: folder.appendingPathComponent("libMisbehaving.so"), defines: ["BUILD_TAG=\"\\\"\(machine)\\\"\""])
        return folder
    }

    func testReproduceRunsTheRecordedBinaryWhereTheLocalBuildDiffers() throws {
        let machineA = try pluginFolder("A"), machineB = try pluginFolder("B")
        XCTAssertNotEqual(try Data(contentsOf: machineA.appendingPathComponent("libMisbehaving.so")),
                          try Data(contentsOf: machineB.appendingPathComponent("libMisbehaving.so")))
        let ws = try CLI.workspace(in: directory, events: 1500, trees: 5, systematics: "\n  - name: fixture\n    plugin: Misbehaving")
        let onA = ["REFINERY_PLUGIN_PATH": machineA.path], onB = ["REFINERY_PLUGIN_PATH": machineB.path]
        XCTAssertEqual(try CLI.run(["simulate", "-w", ws.path], environment: onA).status, 0)
        let train = try CLI.run(["train", "-w", ws.path, "--allow-closure-failure"], environment: onA)
        XCTAssertEqual(train.status, 0, train.all)
        let archive = directory.appendingPathComponent("a.tar.zst")
        XCTAssertEqual(try CLI.run(["pack", "-w", ws.path, "-o", archive.path], environment: onA).status, 0)

        let refused = try CLI.run(["reproduce", archive.path, "--into", directory.appendingPathComponent("refused").path], environment: onB)
        XCTAssertNotEqual(refused.status, 0, refused.all)
        XCTAssertTrue(refused.all.contains("plugins/libMisbehaving.so"), refused.all)

        let result = try CLI.run(["reproduce", "--trust-archived-plugins", archive.path,
                                  "--into", directory.appendingPathComponent("scratch").path, "--json"], environment: onB)
        XCTAssertEqual(result.status, 0, result.all)
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let comparisons = report["comparisons"] as! [[String: Any]]
        XCTAssertTrue(comparisons.contains { ($0["path"] as? String) == "surrogates/fixture/model.json" }, result.stdout)
        XCTAssertTrue(comparisons.allSatisfy { $0["status"] as? String == "identical" }, result.stdout)

        // Without consent the two binaries under one name are an error naming both.
        let unpacked = directory.appendingPathComponent("unpacked")
        XCTAssertEqual(try CLI.run(["unpack", archive.path, unpacked.path]).status, 0)
        try FileManager.default.removeItem(at: unpacked.appendingPathComponent("surrogates"))
        let ambiguous = try CLI.run(["train", "-w", unpacked.path, "--allow-closure-failure"], environment: onB)
        XCTAssertNotEqual(ambiguous.status, 0, ambiguous.all)
        XCTAssertTrue(ambiguous.all.contains(machineB.appendingPathComponent("libMisbehaving.so").path)
                      && ambiguous.all.contains(unpacked.appendingPathComponent("plugins/libMisbehaving.so").path), ambiguous.all)
    }
}
