import Foundation
import XCTest

/// Section 6.4 made checkable: the provenance store decides what `train` retrains, and says why.
final class RefinementTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try CLI.temporaryDirectory("refinement") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    static let five = CLI.systematics("scale", "JES", "HF", "LF", "lepton")

    func trainedWorkspace(trees: Int = 8) throws -> URL {
        let ws = try CLI.workspace(in: directory, events: 3000, trees: trees, systematics: Self.five)
        XCTAssertEqual(try CLI.run(["simulate", ws.path]).status, 0)
        let first = try CLI.run(["train", "--json", "--allow-closure-failure", ws.path])
        XCTAssertEqual(first.status, 0, first.all)
        return ws
    }

    func surrogateBytes(_ ws: URL, _ names: [String]) throws -> [String: Data] {
        var bytes: [String: Data] = [:]
        for name in names {
            for file in ["model.json", "surrogate.json", "closure.svg", "closure.md", "closure.json"] {
                bytes["\(name)/\(file)"] = try Data(contentsOf: ws.appendingPathComponent("surrogates/\(name)/\(file)"))
            }
        }
        return bytes
    }

    /// Each systematic's decision as `train --json` reports it (the sentence `train` prints).
    func decisions(_ output: String) -> [String: String] {
        guard let outcomes = try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Any]] else { return [:] }
        var result: [String: String] = [:]
        for outcome in outcomes {
            guard let name = outcome["name"] as? String, let decision = outcome["decision"] as? [String: Any] else { continue }
            result[name] = decision["text"] as? String
        }
        return result
    }

    func editConfig(_ ws: URL, _ edit: (String) -> String) throws {
        let url = ws.appendingPathComponent("refinery.yaml")
        try edit(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
    }

    func testAddingASixthSystematicTrainsOnlyIt() throws {
        let ws = try trainedWorkspace()
        let before = try surrogateBytes(ws, ["scale", "JES", "HF", "LF", "lepton"])
        try editConfig(ws) { $0.replacingOccurrences(of: "\ndemo:", with: "\n  - name: POW\n    plugin: TwoPoint\ndemo:") }
        let second = try CLI.run(["train", "--json", "--allow-closure-failure", ws.path])
        XCTAssertEqual(second.status, 0, second.all)
        let decided = decisions(second.stdout)
        XCTAssertEqual(decided["POW"], "trained: new", second.stdout)
        for name in ["scale", "JES", "HF", "LF", "lepton"] { XCTAssertEqual(decided[name], "reused", "\(name): \(second.stdout)") }
        XCTAssertEqual(try surrogateBytes(ws, ["scale", "JES", "HF", "LF", "lepton"]), before, "reused surrogates must stay byte-identical")
        let runs = try CLI.run(["provenance", "runs", "-w", ws.path, "--json"])
        let entries = try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(entries.filter { $0["command"] as? String == "train-systematic" }.count, 6, "5 + exactly one more")
    }

    /// Asking with other learner settings names the settings that differ.
    func testChangedLearnerSettingsAreNamed() throws {
        let ws = try trainedWorkspace(trees: 8)
        let stale = try CLI.run(["provenance", "stale", "-w", ws.path, "--trees", "12"])
        XCTAssertEqual(stale.status, 0, stale.all)
        XCTAssertTrue(stale.stdout.contains("learner settings changed (trees 8 → 12)"), stale.stdout)
        let same = try CLI.run(["provenance", "stale", "-w", ws.path])
        XCTAssertFalse(same.stdout.contains("learner settings"), same.stdout)
    }

    func testEditingOnePluginConfigurationRetrainsOnlyThatOne() throws {
        let ws = try trainedWorkspace()
        try editConfig(ws) { $0.replacingOccurrences(of: "config: {component: LF}", with: "config: {component: LF, light_uncertainty: 0.3}") }
        let stale = try CLI.run(["provenance", "stale", "-w", ws.path])
        XCTAssertTrue(stale.stdout.contains("LF               would retrain: plugin configuration changed"), stale.stdout)
        XCTAssertTrue(stale.stdout.contains("HF               up to date"), stale.stdout)
        let second = try CLI.run(["train", "--json", "--allow-closure-failure", ws.path])
        XCTAssertEqual(second.status, 0, second.all)
        let decided = decisions(second.stdout)
        XCTAssertEqual(decided["LF"], "retrained: plugin configuration changed", second.stdout)
        for name in ["scale", "JES", "HF", "lepton"] { XCTAssertEqual(decided[name], "reused", second.stdout) }
        let history = try CLI.run(["provenance", "history", "LF", "-w", ws.path])
        XCTAssertTrue(history.stdout.contains("v2") && history.stdout.contains("changes: plugin configuration"), history.stdout)
    }

    func testReplacingAPluginBinaryIsDetectedByItsHash() throws {
        let ws = try CLI.workspace(in: directory, events: 3000, trees: 8, systematics: "\n  - name: tilt\n    plugin: Tilt\n")
        XCTAssertEqual(try CLI.run(["simulate", ws.path]).status, 0)
        XCTAssertEqual(try CLI.run(["plugins", "new", "Tilt", "--kind", "reweight", "--language", "c", "--output", directory.path]).status, 0)
        let project = directory.appendingPathComponent("Tilt")
        let plugins = ws.appendingPathComponent("plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        func build(_ flags: String) throws {
            let make = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["make", "-B", "-C", project.path, "CFLAGS=\(flags)"])
            XCTAssertEqual(make.status, 0, make.all)
            try? FileManager.default.removeItem(at: plugins.appendingPathComponent("libTilt.so"))
            try FileManager.default.copyItem(at: project.appendingPathComponent("libTilt.so"), to: plugins.appendingPathComponent("libTilt.so"))
        }
        try build("-O2")
        XCTAssertEqual(try CLI.run(["train", "--json", "--allow-closure-failure", ws.path]).status, 0)
        try build("-O0 -g")
        let second = try CLI.run(["train", "--json", "--allow-closure-failure", ws.path])
        XCTAssertEqual(second.status, 0, second.all)
        XCTAssertTrue(second.stdout.contains("retrained: plugin binary changed"), second.stdout)
    }

    func testDeletingASurrogateFileMakesItStaleAndVerifyNamesIt() throws {
        let ws = try trainedWorkspace()
        XCTAssertEqual(try CLI.run(["provenance", "verify", "-w", ws.path]).status, 0)
        try FileManager.default.removeItem(at: ws.appendingPathComponent("surrogates/HF/model.json"))
        let verify = try CLI.run(["provenance", "verify", "-w", ws.path])
        XCTAssertEqual(verify.status, 1)
        XCTAssertTrue(verify.stdout.contains("MISSING   surrogates/HF/model.json"), verify.stdout)
        let stale = try CLI.run(["provenance", "stale", "-w", ws.path])
        XCTAssertTrue(stale.stdout.contains("HF               would retrain: surrogates/HF/model.json is missing"), stale.stdout)
        let second = try CLI.run(["train", "--json", "--allow-closure-failure", ws.path])
        XCTAssertEqual(decisions(second.stdout)["HF"], "retrained: surrogates/HF/model.json is missing", second.stdout)
        XCTAssertEqual(decisions(second.stdout)["LF"], "reused", second.stdout)
        XCTAssertEqual(try CLI.run(["provenance", "verify", "-w", ws.path]).status, 0)
    }

    func testLineageNamesTheActualHashes() throws {
        let ws = try trainedWorkspace()
        let result = try CLI.run(["provenance", "lineage", "surrogates/HF/model.json", "-w", ws.path, "--json"])
        XCTAssertEqual(result.status, 0, result.all)
        func sha(_ path: String) throws -> String {
            String(try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["sha256sum", path]).stdout.prefix(64))
        }
        let nominal = try sha(ws.appendingPathComponent("samples/nominal/manifest.json").path)
        let config = try sha(ws.appendingPathComponent("refinery.yaml").path)
        let plugin = try sha(CLI.productsDirectory.appendingPathComponent("libRefineryBTagging.so").path)
        for hash in [nominal, config, plugin] { XCTAssertTrue(result.stdout.contains(hash), "lineage lacks \(hash):\n\(result.stdout)") }
        let text = try CLI.run(["provenance", "lineage", String(try sha(ws.appendingPathComponent("surrogates/HF/model.json").path).prefix(10)), "-w", ws.path])
        XCTAssertTrue(text.stdout.contains("samples/nominal/manifest.json") && text.stdout.contains("libRefineryBTagging.so"), text.stdout)
        XCTAssertTrue(text.stdout.contains("seed 11"), text.stdout)
    }

    func testKilledTrainLeavesAnOpenableStoreAndTheNextTrainFinishesTheRest() throws {
        let ws = try CLI.workspace(in: directory, events: 20000, trees: 400, systematics: Self.five)
        XCTAssertEqual(try CLI.run(["simulate", ws.path]).status, 0)
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["train", "--allow-closure-failure", ws.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let first = ws.appendingPathComponent("surrogates/scale/closure.json")
        let deadline = Date().addingTimeInterval(300)
        while !FileManager.default.fileExists(atPath: first.path) && Date() < deadline { usleep(20_000) }
        usleep(300_000)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        let runs = try CLI.run(["provenance", "runs", "-w", ws.path, "--json"])
        XCTAssertEqual(runs.status, 0, runs.all)
        let entries = try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(entries.first { $0["command"] as? String == "train" }?["status"] as? String, "interrupted")
        let verify = try CLI.run(["provenance", "verify", "-w", ws.path])
        XCTAssertEqual(verify.status, 0, "no recorded artifact may be incomplete:\n\(verify.all)")
        let again = try CLI.run(["train", "--json", "--allow-closure-failure", ws.path, "--trees", "400"])
        XCTAssertEqual(again.status, 0, again.all)
        let decided = decisions(again.stdout)
        XCTAssertEqual(decided["scale"], "reused", again.stdout)
        XCTAssertEqual(Set(decided.keys), ["scale", "JES", "HF", "LF", "lepton"], again.stdout)
        for (name, decision) in decided {
            XCTAssertTrue(decision == "reused" || decision.hasPrefix("trained") || decision.hasPrefix("retrained"),
                          "\(name): \(decision)")
        }
        XCTAssertTrue(decided.values.contains { $0.hasPrefix("trained") || $0.hasPrefix("retrained") }, again.stdout)
    }

    func testTwoConcurrentTrainsBothComplete() throws {
        let ws = try CLI.workspace(in: directory, events: 3000, trees: 30, systematics: Self.five)
        XCTAssertEqual(try CLI.run(["simulate", ws.path]).status, 0)
        let processes = ["HF", "lepton"].map { name -> Process in
            let process = Process()
            process.executableURL = CLI.executable
            process.arguments = ["train", "--allow-closure-failure", ws.path, "--only", name]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit(); XCTAssertEqual(process.terminationStatus, 0) }
        let runs = try CLI.run(["provenance", "runs", "-w", ws.path, "--json"])
        let entries = try JSONSerialization.jsonObject(with: Data(runs.stdout.utf8)) as! [[String: Any]]
        let systematic = entries.filter { $0["command"] as? String == "train-systematic" }.compactMap { entry -> String? in
            guard let arguments = entry["arguments"] as? [String], let i = arguments.firstIndex(of: "--only") else { return nil }
            return arguments[i + 1]
        }
        XCTAssertEqual(Set(systematic), ["HF", "lepton"])
        XCTAssertTrue(entries.allSatisfy { $0["status"] as? String == "succeeded" }, runs.stdout)
        for name in ["HF", "lepton"] {
            let history = try CLI.run(["provenance", "history", name, "-w", ws.path, "--json"])
            XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as! [Any]).count, 1)
        }
        XCTAssertEqual(try CLI.run(["provenance", "verify", "-w", ws.path]).status, 0)
    }

    func testDamagedOrNewerStoreIsRefusedAndUntouched() throws {
        let ws = try CLI.workspace(in: directory, events: 1000)
        let store = ws.appendingPathComponent("provenance.sqlite")
        try Data("not a database at all, just text".utf8).write(to: store)
        let before = try Data(contentsOf: store)
        let result = try CLI.run(["simulate", ws.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains(store.path), result.stderr)
        XCTAssertEqual(try Data(contentsOf: store), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: ws.appendingPathComponent("samples/nominal").path), "nothing may run without its record")
        try FileManager.default.removeItem(at: store)
        XCTAssertEqual(try CLI.run(["simulate", ws.path]).status, 0)
        let bump = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version=99'); c.commit(); c.execute('PRAGMA wal_checkpoint(TRUNCATE)')", store.path])
        XCTAssertEqual(bump.status, 0, bump.all)
        let newer = try Data(contentsOf: store)
        let refused = try CLI.run(["simulate", ws.path, "--force"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("newer"), refused.stderr)
        XCTAssertEqual(try Data(contentsOf: store), newer)
    }
}
