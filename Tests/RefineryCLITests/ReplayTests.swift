import Foundation
import XCTest

/// `fit` and `predict` with `-w` are steps: recorded with their inputs and outputs, and
/// replayed by `reproduce`, which knows nothing about them (section "Replaying" of
/// docs/architecture.md: a step added later is reproduced without changes to reproduce).
final class ReplayTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try CLI.temporaryDirectory("replay") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func testFitAndPredictWithAWorkspaceAreRecordedAndReproduced() throws {
        let ws = try CLI.workspace(in: directory, events: 1000, trees: 3, systematics: CLI.systematics("lepton"))
        XCTAssertEqual(try CLI.run(["simulate", "-w", ws.path]).status, 0)
        let data = ws.appendingPathComponent("fits")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let script = """
        import numpy as np, sys, os
        d = sys.argv[1]; rng = np.random.default_rng(5)
        x0 = rng.normal(size=(4000, 2)); np.save(os.path.join(d, 'x0.npy'), x0)
        np.save(os.path.join(d, 'w1.npy'), np.exp(0.3 * x0[:, 0]))
        np.save(os.path.join(d, 'w2.npy'), np.exp(0.6 * x0[:, 0]))
        """
        XCTAssertEqual(try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, data.path]).status, 0)
        let spec = #"{"parameters": ["nu"], "terms": [["nu"], ["nu", "nu"]], "nominal": {"x": "x0.npy"}, "base_points": [{"nu": [0.5], "w": "w1.npy"}, {"nu": [1], "w": "w2.npy"}], "settings": {"trees": 20}}"#
        try spec.write(to: data.appendingPathComponent("spec.json"), atomically: true, encoding: .utf8)
        // Relative paths, from inside the workspace: the recorded replay is relative to it.
        XCTAssertEqual(try CLI.run(["fit", "fits/spec.json", "-o", "fits/model.json", "-w", "."], cwd: ws).status, 0)
        let predict = try CLI.run(["predict", "fits/model.json", "--x", "fits/x0.npy", "--nu", "1", "-o", "fits/t.npy", "-w", "."], cwd: ws)
        XCTAssertEqual(predict.status, 0, predict.all)
        let runs = try JSONSerialization.jsonObject(with: Data(CLI.run(["provenance", "runs", "-w", ws.path, "--json"]).stdout.utf8)) as! [[String: Any]]
        let fit = try XCTUnwrap(runs.first { $0["command"] as? String == "fit" })
        XCTAssertEqual(fit["replay"] as? [String], ["fit", "fits/spec.json", "-o", "fits/model.json"])
        XCTAssertNotNil(runs.first { $0["command"] as? String == "predict" })
        let uses = try CLI.run(["provenance", "uses", "fits/x0.npy", "-w", ws.path])
        XCTAssertTrue(uses.stdout.contains("fits/model.json") && uses.stdout.contains("fits/t.npy"), uses.stdout)

        let archive = directory.appendingPathComponent("a.tar.zst")
        XCTAssertEqual(try CLI.run(["pack", "-w", ws.path, "-o", archive.path]).status, 0)
        let result = try CLI.run(["reproduce", "--trust-archived-plugins", archive.path, "--into", directory.appendingPathComponent("scratch").path, "--json"])
        XCTAssertEqual(result.status, 0, result.all)
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        let replayed = (report["replayed"] as! [[String: Any]]).compactMap { $0["command"] as? String }
        XCTAssertEqual(replayed, ["simulate", "fit", "predict"])
        let comparisons = report["comparisons"] as! [[String: Any]]
        for path in ["fits/model.json", "fits/t.npy", "samples/nominal/x.npy"] {
            XCTAssertEqual(comparisons.first { $0["path"] as? String == path }?["status"] as? String, "identical", "\(path): \(result.stdout)")
        }
    }
}
