import Foundation
import XCTest

/// `refinery submit` and `refinery jobs` on a real one-node Slurm cluster (scripts/slurm-cluster.sh):
/// a job array trains the stale surrogates, the dependent job checks the store, a failing task
/// is reported and resumed, and journals are merged. Every workspace lives under a path with
/// spaces, so every script and sbatch line is tested with one.
final class SlurmClusterTests: XCTestCase {
    nonisolated(unsafe) static var cluster: SlurmCluster!
    nonisolated(unsafe) static var directory: URL!
    /// A simulated workspace no test changes; each test works on its own copy.
    nonisolated(unsafe) static var template: URL!

    override class func setUp() {
        super.setUp()
        directory = try! CLI.temporaryDirectory("cluster tests")
        template = try! CLI.workspace(in: directory, name: "template ws", events: 3000, trees: 10,
                                      systematics: CLI.systematics("lepton", "HF", "LF", "scale"))
        let simulate = try! CLI.run(["simulate", "-w", template.path, "--threads", "2"])
        precondition(simulate.status == 0, simulate.all)
        do { cluster = try SlurmCluster() } catch { cluster = nil; startError = "\(error)" }
    }

    nonisolated(unsafe) static var startError = ""

    override class func tearDown() {
        cluster?.stop()
        try? FileManager.default.removeItem(at: directory)
        super.tearDown()
    }

    override func setUpWithError() throws {
        guard Self.cluster != nil else { return XCTFail(Self.startError) }
    }

    var cluster: SlurmCluster { Self.cluster }

    /// A copy of the simulated workspace named `name` (with spaces, and a quote).
    func workspace(_ name: String, systematics: String? = nil) throws -> URL {
        let copy = Self.directory.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: Self.template, to: copy)
        if let systematics {
            let config = copy.appendingPathComponent("refinery.yaml")
            var text = try String(contentsOf: config, encoding: .utf8)
            let start = text.range(of: "systematics:")!.lowerBound, end = text.range(of: "demo:")!.lowerBound
            text.replaceSubrange(start..<end, with: "systematics: \(systematics)\n")
            try text.write(to: config, atomically: true, encoding: .utf8)
        }
        return copy
    }

    func submit(_ workspace: URL, _ extra: [String] = []) throws -> [String: Any] {
        let result = try cluster.refinery(["submit", "-w", workspace.path, "--cpus-per-task", "1", "--json"] + extra)
        XCTAssertEqual(result.status, 0, result.all)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], result.all)
    }

    /// Rows of an SQL query on the workspace's store, read by Python's sqlite3 (independent of
    /// the code under test).
    func query(_ workspace: URL, _ sql: String) throws -> [[String]] {
        let result = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import sqlite3, sys, json
            con = sqlite3.connect(sys.argv[1])
            print(json.dumps([[("" if v is None else str(v)) for v in row] for row in con.execute(sys.argv[2])]))
            """, workspace.appendingPathComponent("provenance.sqlite").path, sql])
        XCTAssertEqual(result.status, 0, result.all)
        return try JSONDecoder().decode([[String]].self, from: Data(result.stdout.utf8))
    }

    func fileBytes(_ url: URL) -> Data? { try? Data(contentsOf: url) }

    /// The whole path: dry run = what is written; tasks train concurrently and record every run
    /// with its Slurm ids and node; the surrogates equal a local `train`'s byte for byte; the
    /// dependent job runs verify clean; a second submit submits nothing.
    func testEndToEndMatchesLocalTrain() throws {
        let names = ["lepton", "HF", "LF", "scale"]
        let local = try workspace("local ws")
        let train = try CLI.run(["train", "-w", local.path, "--allow-closure-failure", "--threads", "1"])
        XCTAssertEqual(train.status, 0, train.all)
        let remote = try workspace("it's remote ws")

        let dry = try cluster.refinery(["submit", "-w", remote.path, "--cpus-per-task", "1", "--dry-run", "--json"])
        XCTAssertEqual(dry.status, 0, dry.all)
        let dryJSON = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(dryJSON["submitted"] as? [String], names)
        XCTAssertFalse(FileManager.default.fileExists(atPath: remote.appendingPathComponent("cluster").path), "a dry run writes nothing")
        let dryScripts = try XCTUnwrap(dryJSON["scripts"] as? [[String: String]])
        let dryLines = try XCTUnwrap(dryJSON["commandLines"] as? [String])

        let submitted = try submit(remote)
        let id = try XCTUnwrap(submitted["submission"] as? String)
        let array = try XCTUnwrap(submitted["arrayJob"] as? String)
        XCTAssertEqual(submitted["submitted"] as? [String], names)
        // The dry run printed exactly the scripts that were written, and sbatch lines naming them.
        XCTAssertEqual(dryScripts.count, 2)
        for script in dryScripts {
            let path = try XCTUnwrap(script["path"])
            XCTAssertEqual(try String(contentsOf: remote.appendingPathComponent(path), encoding: .utf8), script["text"], path)
            XCTAssertTrue(dryLines.contains { $0.contains("'\(remote.path.replacingOccurrences(of: "'", with: "'\\''"))/\(path)'") }, "\(dryLines)")
        }
        let syntax = try CLI.runProgram(URL(fileURLWithPath: "/bin/bash"), ["-n", remote.appendingPathComponent("cluster/\(id)/task.sh").path])
        XCTAssertEqual(syntax.status, 0, syntax.all)

        let status = try cluster.waitForEnd(remote, submission: id)
        let after = try XCTUnwrap(status["after"] as? [String: Any])
        let afterLog = (try? String(contentsOf: remote.appendingPathComponent("cluster/\(id)/logs/after.out"), encoding: .utf8)) ?? ""
        XCTAssertEqual(after["state"] as? String, "completed", "\(status)\n\(afterLog)")
        XCTAssertTrue(afterLog.contains("all files match their recorded hashes"), afterLog)
        for task in status["tasks"] as? [[String: Any]] ?? [] { XCTAssertEqual(task["state"] as? String, "completed", "\(task)") }

        for name in names {
            for file in ["model.json", "surrogate.json", "closure.svg", "closure.md", "closure.json"] {
                let path = "surrogates/\(name)/\(file)"
                XCTAssertNotNil(fileBytes(remote.appendingPathComponent(path)), path)
                XCTAssertEqual(fileBytes(remote.appendingPathComponent(path)), fileBytes(local.appendingPathComponent(path)),
                               "\(path) differs from a local train")
            }
        }
        // One training step per task, recorded with its array job, task and node.
        let steps = try query(remote, "SELECT job_id, node, status, started_at, ended_at, id FROM runs WHERE command = 'train-systematic' ORDER BY job_id")
        XCTAssertEqual(steps.map { $0[0] }, names.indices.map { "\(array)_\($0)" }.sorted())
        XCTAssertTrue(steps.allSatisfy { $0[1] == "localhost" && $0[2] == "succeeded" }, "\(steps)")
        // Concurrency: tasks ran at the same time (two CPUs, one per task) and every run and
        // artifact of every task is there — five surrogate files each, one surrogate row each.
        let intervals: [(start: String, end: String)] = steps.map { ($0[3], $0[4]) }
        var overlapping = false
        for (i, a) in intervals.enumerated() {
            for (j, b) in intervals.enumerated() where i != j && a.start < b.end && b.start < a.end { overlapping = true }
        }
        XCTAssertTrue(overlapping, "at least two tasks must have written the store at once: \(steps)")
        for step in steps {
            let outputs = try query(remote, "SELECT a.path FROM edges e JOIN artifacts a ON a.id = e.artifact_id WHERE e.run_id = \(step[5]) AND e.role = 'output' AND a.path LIKE 'surrogates/%'")
            XCTAssertEqual(outputs.count, 5, "run \(step[5]): \(outputs)")
        }
        XCTAssertEqual(try query(remote, "SELECT COUNT(*) FROM surrogates"), [["\(names.count)"]])
        XCTAssertEqual(try query(remote, "SELECT COUNT(*) FROM runs WHERE command = 'train' AND job_id LIKE '\(array)\\_%' ESCAPE '\\' AND status = 'succeeded'"), [["\(names.count)"]])

        let verify = try CLI.run(["provenance", "verify", "-w", remote.path])
        XCTAssertEqual(verify.status, 0, verify.all)
        let again = try submit(remote)
        XCTAssertEqual(again["submitted"] as? [String], [])
        XCTAssertNil(again["arrayJob"] as? String)
        let text = try cluster.refinery(["submit", "-w", remote.path])
        XCTAssertTrue(text.stdout.contains("nothing to submit"), text.all)
    }

    /// A task whose plugin fails is reported with its systematic, log and error; the other
    /// task's surrogate is kept; the dependent job is cancelled, not left pending; plain
    /// `submit` refuses to go past it and `submit --resume` retrains only the failed one.
    func testFailedTaskIsReportedAndResumed() throws {
        let ws = try workspace("failing ws", systematics: "\n  - name: lepton\n    plugin: LeptonEfficiency\n  - name: bad\n    plugin: Misbehaving")
        let plugins = ws.appendingPathComponent("plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        let plugin = plugins.appendingPathComponent("libMisbehaving.so")
        try CLI.compileC(CLI.fixtures.appendingPathComponent("misbehaving_plugin.c"), output: plugin, defines: ["ERROR_STATUS"])

        let id = try XCTUnwrap(try submit(ws)["submission"] as? String)
        let status = try cluster.waitForEnd(ws, submission: id)
        let tasks = try XCTUnwrap(status["tasks"] as? [[String: Any]])
        let bad = try XCTUnwrap(tasks.first { $0["systematic"] as? String == "bad" })
        XCTAssertEqual(bad["state"] as? String, "failed", "\(bad)")
        XCTAssertEqual(bad["log"] as? String, "cluster/\(id)/logs/task-1.out")
        XCTAssertTrue((bad["error"] as? String ?? "").contains("calibration table for this point is missing"), "\(bad)")
        XCTAssertEqual(tasks.first { $0["systematic"] as? String == "lepton" }?["state"] as? String, "completed")
        XCTAssertEqual((status["after"] as? [String: Any])?["state"] as? String, "cancelled", "the dependent job must not wait forever: \(status)")
        XCTAssertNotNil(fileBytes(ws.appendingPathComponent("surrogates/lepton/model.json")), "the other task's surrogate is kept")

        let text = try cluster.refinery(["jobs", "-w", ws.path])
        XCTAssertEqual(text.status, 1, text.all)
        XCTAssertTrue(text.stdout.contains("bad") && text.stdout.contains("failed") && text.stdout.contains("cluster/\(id)/logs/task-1.out"), text.all)

        let plain = try cluster.refinery(["submit", "-w", ws.path])
        XCTAssertEqual(plain.status, 1, plain.all)
        XCTAssertTrue(plain.stderr.contains("--resume") && plain.stderr.contains("bad"), plain.all)

        try CLI.compileC(CLI.fixtures.appendingPathComponent("misbehaving_plugin.c"), output: plugin)
        let resumed = try submit(ws, ["--resume"])
        XCTAssertEqual(resumed["submitted"] as? [String], ["bad"], "only the failed systematic is resubmitted")
        XCTAssertEqual(resumed["resumes"] as? String, id)
        let second = try XCTUnwrap(resumed["submission"] as? String)
        let end = try cluster.waitForEnd(ws, submission: second)
        XCTAssertEqual((end["after"] as? [String: Any])?["state"] as? String, "completed", "\(end)")
        XCTAssertEqual(try query(ws, "SELECT COUNT(*) FROM runs WHERE command = 'train-systematic' AND message IS NULL AND status = 'succeeded'"), [["2"]],
                       "lepton trained once, bad once")
        XCTAssertEqual((try cluster.refinery(["jobs", "-w", ws.path])).status, 0)
    }

    /// Store mode `journal`: tasks write private journals; the dependent job merges them in one
    /// transaction; the store then holds every task's runs with their Slurm ids, verify is clean,
    /// and nothing is stale.
    func testJournalsAreMergedByTheDependentJob() throws {
        let ws = try workspace("journal ws", systematics: CLI.systematics("lepton", "HF"))
        let submitted = try submit(ws, ["--store", "journal"])
        XCTAssertEqual(submitted["store"] as? String, "journal")
        let id = try XCTUnwrap(submitted["submission"] as? String)
        let array = try XCTUnwrap(submitted["arrayJob"] as? String)
        XCTAssertEqual(try query(ws, "SELECT COUNT(*) FROM runs WHERE command = 'train-systematic'"), [["0"]], "tasks do not write the shared store")
        let status = try cluster.waitForEnd(ws, submission: id)
        XCTAssertEqual((status["after"] as? [String: Any])?["state"] as? String, "completed", "\(status)")
        for index in 0..<2 {
            XCTAssertTrue(FileManager.default.fileExists(atPath: ws.appendingPathComponent("cluster/\(id)/journals/task-\(index).sqlite").path))
        }
        XCTAssertEqual(try query(ws, "SELECT job_id, node, status FROM runs WHERE command = 'train-systematic' ORDER BY job_id"),
                       [["\(array)_0", "localhost", "succeeded"], ["\(array)_1", "localhost", "succeeded"]])
        XCTAssertEqual(try query(ws, "SELECT COUNT(*) FROM runs WHERE command = 'merge-journals' AND status = 'succeeded'"), [["1"]])
        // Every surrogate's model artifact and run were remapped consistently.
        XCTAssertEqual(try query(ws, "SELECT s.systematic, a.path, r.command FROM surrogates s JOIN artifacts a ON a.id = s.artifact_id JOIN runs r ON r.id = s.run_id ORDER BY s.systematic"),
                       [["HF", "surrogates/HF/model.json", "train-systematic"], ["lepton", "surrogates/lepton/model.json", "train-systematic"]])
        // A second merge finds nothing new.
        let again = try cluster.refinery(["merge-journals", "-w", ws.path, "--submission", id])
        XCTAssertTrue(again.stdout.contains("nothing to merge"), again.all)
        XCTAssertEqual((try CLI.run(["provenance", "verify", "-w", ws.path])).status, 0)
        XCTAssertEqual(try submit(ws)["submitted"] as? [String], [])
    }

    /// The SMEFT surrogate is planned like a systematic: `submit` makes it an array task (the
    /// one that does not run the classifier test), the dependent job computes the limits, and
    /// afterwards `provenance stale` and `submit` find nothing to do.
    func testSmeftSurrogateIsAnArrayTaskAndTheLimitsFollow() throws {
        let ws = try workspace("smeft ws", systematics: "\n  - name: lepton\n    plugin: LeptonEfficiency\n")
        let config = ws.appendingPathComponent("refinery.yaml")
        try (String(contentsOf: config, encoding: .utf8) + "smeft:\n  pois: [ctGRe, ctGIm]\n  learner: {trees: 10}\nmodel:\n  pairs: [\"ctGRe:ctGIm\"]\n")
            .write(to: config, atomically: true, encoding: .utf8)
        let submitted = try submit(ws)
        XCTAssertEqual(submitted["submitted"] as? [String], ["lepton", "smeft"])
        let id = try XCTUnwrap(submitted["submission"] as? String)
        let array = try XCTUnwrap(submitted["arrayJob"] as? String)
        let status = try cluster.waitForEnd(ws, submission: id, timeout: 300)
        let afterLog = (try? String(contentsOf: ws.appendingPathComponent("cluster/\(id)/logs/after.out"), encoding: .utf8)) ?? ""
        XCTAssertEqual((status["after"] as? [String: Any])?["state"] as? String, "completed", "\(status)\n\(afterLog)")
        let taskLog = (try? String(contentsOf: ws.appendingPathComponent("cluster/\(id)/logs/task-1.out"), encoding: .utf8)) ?? ""
        XCTAssertFalse(taskLog.contains("validation"), "no classifier test of the SMEFT surrogate:\n\(taskLog)")
        XCTAssertEqual(try query(ws, "SELECT job_id, status FROM runs WHERE command = 'train-smeft'"), [["\(array)_1", "succeeded"]])
        XCTAssertEqual(try query(ws, "SELECT status FROM runs WHERE command = 'limits'"), [["succeeded"]])
        XCTAssertNotNil(fileBytes(ws.appendingPathComponent("limits/limits.json")))
        let stale = try CLI.run(["provenance", "stale", "-w", ws.path])
        XCTAssertTrue(stale.stdout.contains("smeft            up to date") && stale.stdout.contains("lepton           up to date"), stale.all)
        XCTAssertEqual(try submit(ws)["submitted"] as? [String], [])
    }
}
