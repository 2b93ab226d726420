import Foundation
import XCTest

/// A systematic's name becomes a folder: a name that is a path (or collides by case) is
/// refused before anything is touched, and a folder outside the workspace stays byte-identical.
final class NameValidationTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try CLI.temporaryDirectory("names") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func testNamesThatArePathsOrCollideByCaseAreRefusedBeforeAnythingIsTouched() throws {
        // The victim sits where `train` would have written synthetic/../../victim.
        let victim = directory.appendingPathComponent("victim")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: victim.appendingPathComponent("data.txt"))
        for (index, systematics) in [
            "\n  - name: ../../victim\n    plugin: LeptonEfficiency",
            "\n  - name: a/b\n    plugin: LeptonEfficiency",
            "\n  - name: ..\n    plugin: LeptonEfficiency",
            "\n  - name: HF\n    plugin: BTagging\n    config: {component: HF}\n  - name: hf\n    plugin: BTagging\n    config: {component: HF}",
        ].enumerated() {
            let ws = try CLI.workspace(in: directory.appendingPathComponent("w\(index)"), name: "ws", events: 1000, systematics: systematics)
            for command in [["simulate", "-w", ws.path], ["train", "-w", ws.path]] {
                let result = try CLI.run(command)
                XCTAssertEqual(result.status, 1, "\(systematics): \(result.all)")
                XCTAssertTrue(result.stderr.contains("systematics[") && result.stderr.contains(".name"), result.stderr)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: ws.appendingPathComponent("samples").path), "nothing ran")
            XCTAssertFalse(FileManager.default.fileExists(atPath: ws.appendingPathComponent("provenance.sqlite").path), "nothing recorded")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: victim.path), ["data.txt"])
        XCTAssertEqual(try Data(contentsOf: victim.appendingPathComponent("data.txt")), Data("precious".utf8))
    }

    /// A workspace from someone else may carry symbolic links where Refinery writes: a link
    /// never redirects a write out of the workspace (issue 11, item 1).
    func testLinksPlantedInTheWorkspaceDoNotRedirectWrites() throws {
        let victim = directory.appendingPathComponent("outside")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: victim.appendingPathComponent("data.txt"))
        let ws = try CLI.workspace(in: directory, events: 1000, trees: 2, systematics: CLI.systematics("lepton"))
        XCTAssertEqual(try CLI.run(["simulate", "-w", ws.path]).status, 0)
        for folder in ["plots", "surrogates"] {
            try FileManager.default.createSymbolicLink(at: ws.appendingPathComponent(folder), withDestinationURL: victim)
        }
        let plots = try CLI.run(["plots", "-w", ws.path])
        XCTAssertEqual(plots.status, 1, plots.all)
        XCTAssertTrue(plots.stderr.contains("resolves outside the workspace"), plots.all)
        let train = try CLI.run(["train", "-w", ws.path, "--allow-closure-failure"])
        XCTAssertNotEqual(train.status, 0, train.all)
        XCTAssertTrue(train.all.contains("resolves outside the workspace"), train.all)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: victim.path), ["data.txt"])
        XCTAssertEqual(try Data(contentsOf: victim.appendingPathComponent("data.txt")), Data("precious".utf8))
    }
}
