import EventData
import Foundation
import RefineryCore
import XCTest

/// One shape for every command: how the workspace is given, `--json`, exit statuses, strict
/// SPECs, and the steps' records (docs/architecture.md).
final class CommandShapeTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try CLI.temporaryDirectory("shape") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func json(_ result: CLI.Result) throws -> Any {
        XCTAssertEqual(result.status, 0, result.all)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    func testTheWorkspaceIsGivenWithDashWEverywhereAndFoundFromASubfolder() throws {
        let ws = try CLI.workspace(in: directory, events: 1000, trees: 3, systematics: CLI.systematics("lepton"))
        for command in [["simulate"], ["plots"], ["train", "--allow-closure-failure"], ["pack"], ["provenance", "runs"],
                        ["provenance", "verify"], ["provenance", "stale"], ["provenance", "history", "lepton"]] {
            let result = try CLI.run(command + ["-w", ws.path])
            XCTAssertEqual(result.status, 0, "\(command): \(result.all)")
        }
        // Inside the workspace, no -w: found by walking up, as git finds .git.
        let inside = ws.appendingPathComponent("samples/nominal")
        let found = try CLI.run(["provenance", "runs", "--json"], cwd: inside)
        XCTAssertFalse((try json(found) as! [Any]).isEmpty)
        XCTAssertEqual(try CLI.run(["train", "--allow-closure-failure", "--only", "lepton"], cwd: inside).status, 0)
        let nowhere = try CLI.run(["provenance", "runs"], cwd: directory)
        XCTAssertEqual(nowhere.status, 1)
        XCTAssertTrue(nowhere.stderr.contains("no refinery.yaml in \(directory.standardizedFileURL.path) or any folder above it") && nowhere.stderr.contains("-w"), nowhere.stderr)
        let twice = try CLI.run(["simulate", ws.path, "-w", directory.path])
        XCTAssertEqual(twice.status, 64, twice.all)
    }

    /// Times in every `--json` are ISO-8601 UTC strings, not Foundation's seconds since 2001.
    func testTimesInJSONAreISO8601() throws {
        let ws = try CLI.workspace(in: directory, events: 1000, trees: 3, systematics: CLI.systematics("lepton"))
        XCTAssertEqual(try CLI.run(["simulate", "-w", ws.path]).status, 0)
        XCTAssertEqual(try CLI.run(["train", "--allow-closure-failure", "-w", ws.path]).status, 0)
        let pattern = try NSRegularExpression(pattern: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$"#)
        func isISO(_ value: Any?) -> Bool {
            guard let text = value as? String else { return false }
            return pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
        let runs = try json(CLI.run(["provenance", "runs", "-w", ws.path, "--json"])) as! [[String: Any]]
        XCTAssertTrue(runs.allSatisfy { isISO($0["startedAt"]) && isISO($0["endedAt"]) }, "\(runs)")
        let show = try json(CLI.run(["provenance", "show", "1", "-w", ws.path, "--json"])) as! [String: Any]
        XCTAssertTrue(isISO((show["run"] as! [String: Any])["startedAt"]))
        XCTAssertTrue(((show["outputs"] as! [[String: Any]])).allSatisfy { isISO($0["createdAt"]) })
        let history = try json(CLI.run(["provenance", "history", "lepton", "-w", ws.path, "--json"])) as! [[String: Any]]
        XCTAssertTrue(isISO((history[0]["surrogate"] as! [String: Any])["createdAt"]))
    }

    func testAClosureFailureHasItsOwnExitStatusAndIsMarkedInThePlot() throws {
        let ws = try CLI.workspace(in: directory, events: 3000, trees: 1, systematics: CLI.systematics("scale"))
        XCTAssertEqual(try CLI.run(["simulate", "-w", ws.path]).status, 0)
        // One tree with η = 0.2 learns a fifth of the effect: the criterion cannot hold.
        let train = try CLI.run(["train", "-w", ws.path, "--json"])
        XCTAssertEqual(train.status, 3, train.all)
        let outcome = (try JSONSerialization.jsonObject(with: Data(train.stdout.utf8)) as! [[String: Any]])[0]
        XCTAssertEqual(outcome["status"] as? String, "trained")
        XCTAssertEqual((outcome["closure"] as! [String: Any])["closes"] as? Bool, false)
        XCTAssertTrue(train.stderr.contains("closure criterion not met by scale"), train.stderr)
        let plot = try String(contentsOf: ws.appendingPathComponent("surrogates/scale/closure.svg"), encoding: .utf8)
        XCTAssertTrue(plot.contains("✗ closure not met"), "failing base points are marked in the plot")
        XCTAssertEqual(try CLI.run(["train", "-w", ws.path, "--allow-closure-failure"]).status, 0)
    }

    func testUnknownKeysOfAFitSpecAreRefusedWithASuggestion() throws {
        let spec = directory.appendingPathComponent("spec.json")
        for (text, field, hint) in [
            (#"{"parameters": ["nu"], "terms": [["nu"]], "nominal": {"x": "x.npy"}, "base_points": [], "setings": {"trees": 5}}"#, "setings", "settings"),
            (#"{"parameters": ["nu"], "terms": [["nu"]], "nominal": {"x": "x.npy"}, "base_points": [], "trees": 5}"#, "trees", nil),
            (#"{"parameters": ["nu"], "terms": [["nu"]], "nominal": {"x": "x.npy"}, "base_points": [], "settings": {"tres": 5}}"#, "settings.tres", "trees"),
            (#"{"parameters": ["nu"], "terms": [["nu"]], "nominal": {"x": "x.npy"}, "base_points": [{"nu": [1], "ww": "w.npy"}]}"#, "base_points[0].ww", "w"),
        ] as [(String, String, String?)] {
            try text.write(to: spec, atomically: true, encoding: .utf8)
            let result = try CLI.run(["fit", spec.path, "-o", directory.appendingPathComponent("m.json").path])
            XCTAssertEqual(result.status, 1, result.all)
            XCTAssertTrue(result.stderr.contains("field '\(field)' is not allowed here"), result.stderr)
            if let hint { XCTAssertTrue(result.stderr.contains("Did you mean '\(hint)'?"), result.stderr) }
        }
    }

    /// A reweighting data set holds only weights: inspect shows them on the nominal's events.
    func testInspectOfAReweightingDataSetComparesWithTheNominal() throws {
        let ws = try CLI.workspace(in: directory, events: 2000, trees: 3, systematics: CLI.systematics("HF"))
        XCTAssertEqual(try CLI.run(["simulate", "-w", ws.path]).status, 0)
        XCTAssertEqual(try CLI.run(["train", "--allow-closure-failure", "-w", ws.path]).status, 0)
        let dataSet = ws.appendingPathComponent("synthetic/HF/nu1")
        let text = try CLI.run(["inspect", dataSet.path])
        XCTAssertEqual(text.status, 0, text.all)
        XCTAssertTrue(text.stdout.contains("reweighting") && text.stdout.contains("nominal mean"), text.stdout)
        let report = try json(CLI.run(["inspect", dataSet.path, "--json"])) as! [String: Any]
        let ratio = try XCTUnwrap((report["reweighting"] as? [String: Any])?["yieldRatio"] as? Double)
        // The closure table's data yield change at ν = +1 is the same ratio, minus one.
        let closure = try JSONSerialization.jsonObject(with: Data(contentsOf: ws.appendingPathComponent("surrogates/HF/closure.json"))) as! [String: Any]
        let point = (closure["basePoints"] as! [[String: Any]]).first { ($0["nu"] as! [Double]) == [1] }!
        XCTAssertEqual(ratio - 1, point["yieldChangeData"] as! Double, accuracy: 1e-9)
    }

    /// Each input of a systematic's training is hashed once for the step and once to check it
    /// afterwards: counted from the trace every hash of a file leaves.
    func testEachInputIsHashedOnceAndCheckedOnce() throws {
        let ws = try CLI.workspace(in: directory, events: 2000, trees: 3, systematics: CLI.systematics("HF", "POW"))
        XCTAssertEqual(try CLI.run(["simulate", "-w", ws.path]).status, 0)
        let trace = directory.appendingPathComponent("hashes.txt")
        FileManager.default.createFile(atPath: trace.path, contents: nil)
        let train = try CLI.run(["train", "--allow-closure-failure", "-w", ws.path, "--only", "POW"], environment: ["REFINERY_HASH_TRACE": trace.path])
        XCTAssertEqual(train.status, 0, train.all)
        let lines = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n")
        func count(_ suffix: String) -> Int { lines.filter { $0.hasSuffix(suffix) }.count }
        let root = ws.standardizedFileURL.path
        XCTAssertEqual(count("\(root)/refinery.yaml"), 2, lines.joined(separator: "\n"))
        XCTAssertEqual(count("\(root)/samples/nominal/manifest.json"), 2, lines.joined(separator: "\n"))
        XCTAssertEqual(count("\(root)/samples/alternative/manifest.json"), 2, lines.joined(separator: "\n"))
        XCTAssertEqual(count("/libRefineryTwoPoint.so"), 2, lines.joined(separator: "\n"))
    }

    /// The nominal sample is read (and verified) once per `train` run, however many systematics
    /// learn from it; each systematic's own data sets are read once.
    func testTheNominalSampleIsReadOncePerRun() throws {
        let ws = try CLI.workspace(in: directory, events: 2000, trees: 3, systematics: CLI.systematics("HF", "LF", "POW"))
        XCTAssertEqual(try CLI.run(["simulate", "-w", ws.path]).status, 0)
        let trace = directory.appendingPathComponent("hashes.txt")
        FileManager.default.createFile(atPath: trace.path, contents: nil)
        let train = try CLI.run(["train", "--allow-closure-failure", "-w", ws.path], environment: ["REFINERY_HASH_TRACE": trace.path])
        XCTAssertEqual(train.status, 0, train.all)
        let all = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n")
        let root = ws.standardizedFileURL.path
        // The host's lines (the process that hashed the configuration), not the plugin workers'.
        let host = try XCTUnwrap(all.first { $0.hasSuffix("\(root)/refinery.yaml") }?.split(separator: " ").first)
        let lines = all.filter { $0.split(separator: " ").first == host }
        func count(_ suffix: String) -> Int { lines.filter { $0.hasSuffix("\(root)/\(suffix)") }.count }
        for column in ["x.npy", "w.npy", "fiducial.npy"] {
            XCTAssertEqual(count("samples/nominal/\(column)"), 1, "samples/nominal/\(column):\n" + lines.joined(separator: "\n"))
        }
        // Read in the host once (training) after the plugin worker wrote it.
        XCTAssertEqual(lines.filter { $0.contains("/synthetic/.HF.staging-") && $0.hasSuffix("/nu0/w.npy") }.count, 1,
                       lines.joined(separator: "\n"))
    }

    /// Staging folders are owned by host, boot and pid together: two trains running at once
    /// leave alone each other's folders and those of another host or boot with the same pid.
    func testStagingFoldersOfOtherHostsOrBootsAreLeftAlone() throws {
        let ws = try CLI.workspace(in: directory, events: 2000, trees: 3, systematics: CLI.systematics("HF", "lepton"))
        XCTAssertEqual(try CLI.run(["simulate", "-w", ws.path]).status, 0)
        let synthetic = ws.appendingPathComponent("synthetic")
        try FileManager.default.createDirectory(at: synthetic, withIntermediateDirectories: true)
        let me = StagingTag.current
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let pid = child.processIdentifier
        let foreign = [StagingTag(host: "othernode", boot: me.boot, pid: pid), StagingTag(host: me.host, boot: "otherboot", pid: pid)]
        let abandoned = StagingTag(host: me.host, boot: me.boot, pid: pid)
        for tag in foreign + [abandoned] {
            try FileManager.default.createDirectory(at: synthetic.appendingPathComponent(".HF.staging-\(tag.suffix)"), withIntermediateDirectories: true)
        }
        let processes = ["HF", "lepton"].map { name -> Process in
            let process = Process()
            process.executableURL = CLI.executable
            process.arguments = ["train", "--allow-closure-failure", "-w", ws.path, "--only", name]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit(); XCTAssertEqual(process.terminationStatus, 0) }
        for tag in foreign {
            XCTAssertTrue(FileManager.default.fileExists(atPath: synthetic.appendingPathComponent(".HF.staging-\(tag.suffix)").path), "\(tag) was removed")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: synthetic.appendingPathComponent(".HF.staging-\(abandoned.suffix)").path),
                       "this host's and boot's folder of a gone process is cleaned up")
    }
}
