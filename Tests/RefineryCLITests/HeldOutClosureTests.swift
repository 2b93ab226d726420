import Foundation
import XCTest

/// Issue 15, item 4: a surrogate trained without the held-out events is judged on them. The
/// closure table carries held-out columns beside the training ones, the verdict is the
/// held-out one, and the held-out yield changes of the data equal an independent numpy sum
/// over the split documented in `HeldOutSplit` (SplitMix64 of the recorded seed).
final class HeldOutClosureTests: XCTestCase {
    var directory: URL!
    override func setUpWithError() throws { directory = try CLI.temporaryDirectory("held-out-closure") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func testClosureOnHeldOutEventsBesideTheTrainingOnes() throws {
        let systematics = """

          - name: POW
            plugin: TwoPoint
            learner: {held_out_normalization: 1}
          - name: HF
            plugin: BTagging
            config: {component: HF}
            learner: {early_stopping_patience: 5}
        """
        let ws = try CLI.workspace(in: directory, events: 6000, trees: 20, systematics: systematics)
        try (String(contentsOf: ws.appendingPathComponent("refinery.yaml"), encoding: .utf8) + "held_out: {fraction: 0.3, seed: 77}\n")
            .write(to: ws.appendingPathComponent("refinery.yaml"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try CLI.run(["simulate", "-w", ws.path]).status, 0)
        let train = try CLI.run(["train", "-w", ws.path, "--allow-closure-failure"])
        XCTAssertEqual(train.status, 0, train.all)
        for name in ["POW", "HF"] {
            let folder = ws.appendingPathComponent("surrogates/\(name)")
            let table = try String(contentsOf: folder.appendingPathComponent("closure.md"), encoding: .utf8)
            XCTAssertTrue(table.contains("yield change (held-out data → surrogate)") && table.contains("on the held-out events (fraction 0.3, seed 77"), table)
            let check = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import json, sys, os, numpy as np
            ws, name = sys.argv[1], sys.argv[2]
            M = 2**64 - 1
            def held(n, seed=77, fraction=0.3):
                i = np.arange(n, dtype=np.uint64)
                with np.errstate(over="ignore"):
                    z = np.uint64(seed) + (i + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)
                    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
                    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
                    z = z ^ (z >> np.uint64(31))
                return (z >> np.uint64(11)).astype(np.float64) * 2.0**-53 < fraction
            w0 = np.load(ws + "/samples/nominal/w.npy")[np.load(ws + "/samples/nominal/fiducial.npy") == 1]
            h0 = held(w0.size)
            report = json.load(open(ws + f"/surrogates/{name}/closure.json"))
            assert report["heldOut"]["fraction"] == 0.3 and report["heldOut"]["seed"] == 77
            worst = 0
            for k, row in enumerate(report["heldOut"]["basePoints"]):
                d = ws + f"/synthetic/{name}/nu{k}"
                w = np.load(d + "/w.npy")
                h = held(w.size) if os.path.exists(d + "/x.npy") else h0
                expected = w[h].sum() / w0[h0].sum() - 1
                worst = max(worst, abs(row["yieldChangeData"] - expected) / max(abs(expected), 1e-12))
            print(worst)
            """, ws.path, name])
            let deviation = try XCTUnwrap(Double(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), check.all)
            XCTAssertLessThan(deviation, 1e-9, "\(name): held-out yield changes against numpy")
        }
        // Without a held-out split the closure is that of every event, as before (no held-out key).
        let plain = try CLI.workspace(in: directory, name: "plain", events: 2000, trees: 5, systematics: CLI.systematics("lepton"))
        XCTAssertEqual(try CLI.run(["simulate", "-w", plain.path]).status, 0)
        XCTAssertEqual(try CLI.run(["train", "-w", plain.path, "--allow-closure-failure"]).status, 0)
        let json = try String(contentsOf: plain.appendingPathComponent("surrogates/lepton/closure.json"), encoding: .utf8)
        XCTAssertFalse(json.contains("heldOut"), json.prefix(300).description)
    }
}
