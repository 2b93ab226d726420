import Foundation
import XCTest

/// Adding a systematic without rebuilding the host: scaffold, build, list, train.
final class ScaffoldTests: XCTestCase {
    nonisolated(unsafe) static var directory: URL!
    nonisolated(unsafe) static var workspace: URL!

    override class func setUp() {
        super.setUp()
        directory = try! CLI.temporaryDirectory("scaffold")
        workspace = try! CLI.workspace(in: directory, events: 3000, trees: 10)
        precondition(try! CLI.run(["simulate", workspace.path]).status == 0)
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    /// Adds a systematic using plugin `name` to the workspace and trains only it.
    func addAndTrain(_ name: String, library: URL) throws -> CLI.Result {
        let plugins = Self.workspace.appendingPathComponent("plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: plugins.appendingPathComponent(library.lastPathComponent))
        try FileManager.default.copyItem(at: library, to: plugins.appendingPathComponent(library.lastPathComponent))
        let config = Self.workspace.appendingPathComponent("refinery.yaml")
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "systematics: []", with: "systematics:")
        text = text.replacingOccurrences(of: "\ndemo:", with: "\n  - name: \(name)\n    plugin: \(name)\n    config: {slope: 0.08}\ndemo:")
        try text.write(to: config, atomically: true, encoding: .utf8)
        return try CLI.run(["train", "--allow-closure-failure", Self.workspace.path, "--only", name])
    }

    func scaffold(_ name: String, kind: String, language: String) throws -> URL {
        let result = try CLI.run(["plugins", "new", name, "--kind", kind, "--language", language, "--output", Self.directory.path])
        XCTAssertEqual(result.status, 0, result.all)
        let folder = Self.directory.appendingPathComponent(name)
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("README.md").path))
        return folder
    }

    func testCPluginReweightBuildsAndTrains() throws {
        let folder = try scaffold("TiltC", kind: "reweight", language: "c")
        let make = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["make", "-C", folder.path])
        XCTAssertEqual(make.status, 0, make.all)
        let result = try addAndTrain("TiltC", library: folder.appendingPathComponent("libTiltC.so"))
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertTrue(FileManager.default.fileExists(atPath: Self.workspace.appendingPathComponent("surrogates/TiltC/model.json").path))
        let listed = try CLI.run(["plugins", "list", "--workspace", Self.workspace.path])
        XCTAssertTrue(listed.stdout.contains("TiltC 0.1.0") && listed.stdout.contains("[reweight, ABI 1]"), listed.stdout)
    }

    func testCPluginCalibrateUsesTheHostReconstruction() throws {
        let folder = try scaffold("ShiftC", kind: "calibrate", language: "c")
        let make = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["make", "-C", folder.path])
        XCTAssertEqual(make.status, 0, make.all)
        let result = try addAndTrain("ShiftC", library: folder.appendingPathComponent("libShiftC.so"))
        XCTAssertEqual(result.status, 0, result.all)
        let synthetic = Self.workspace.appendingPathComponent("synthetic/ShiftC/nu1/x.npy")
        XCTAssertTrue(FileManager.default.fileExists(atPath: synthetic.path), "calibration data sets carry their own x")
    }

    func testSwiftPluginBuildsAgainstItsOwnKitAndTrains() throws {
        let folder = try scaffold("TiltSwift", kind: "reweight", language: "swift")
        let build = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"),
                                       ["swift", "build", "-c", "release", "--package-path", folder.path])
        XCTAssertEqual(build.status, 0, build.all)
        let result = try addAndTrain("TiltSwift", library: folder.appendingPathComponent(".build/release/libTiltSwift.so"))
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertTrue(FileManager.default.fileExists(atPath: Self.workspace.appendingPathComponent("surrogates/TiltSwift/closure.md").path))
    }

    func testBadNameAndExistingFolderAreRefused() throws {
        let bad = try CLI.run(["plugins", "new", "9lives", "--kind", "reweight", "--output", Self.directory.path])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("not a valid plugin name"), bad.stderr)
        _ = try scaffold("Twice", kind: "alternative", language: "c")
        let again = try CLI.run(["plugins", "new", "Twice", "--kind", "alternative", "--language", "c", "--output", Self.directory.path])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("already exists"), again.stderr)
        let kind = try CLI.run(["plugins", "new", "Other", "--kind", "reweigh"])
        XCTAssertEqual(kind.status, 64, kind.all)
        XCTAssertTrue(kind.stderr.contains("'reweight', 'calibrate' or 'alternative'"), kind.stderr)
    }

    func testNewPrintsTheProjectAsJSON() throws {
        let result = try CLI.run(["plugins", "new", "Listed", "--kind", "calibrate", "--language", "c", "--output", Self.directory.path, "--json"])
        XCTAssertEqual(result.status, 0, result.all)
        let created = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(created["folder"] as? String, Self.directory.appendingPathComponent("Listed").path)
        XCTAssertTrue((created["files"] as? [String] ?? []).contains("README.md"), result.stdout)
    }
}
