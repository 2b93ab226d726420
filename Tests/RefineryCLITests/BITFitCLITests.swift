import Foundation
import XCTest

/// `refinery fit` with a `"learner": "bit"` SPEC: a Boosted Information Tree from numpy arrays.
final class BITFitCLITests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try CLI.temporaryDirectory("bitfit") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func python(_ script: String) throws -> String {
        let result = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, directory.path])
        XCTAssertEqual(result.status, 0, result.all)
        return result.stdout
    }

    /// One stump with η = 1: each leaf's 5 values are Σ w r_A / Σ w over its events, recomputed
    /// with numpy from the threshold the model chose.
    func testOneStumpHoldsThePerLeafRatioOfSums() throws {
        _ = try python("""
        import numpy as np, sys, json
        d = sys.argv[1]; rng = np.random.default_rng(3); n = 4000
        x = rng.normal(size=(n, 2)); w = rng.uniform(0.5, 1.5, n)
        r = np.stack([x[:, 0], 0.5 * x[:, 1], x[:, 0] ** 2, 0.1 * x[:, 0] * x[:, 1], 0.3 * np.ones(n)], axis=1)
        np.save(d + '/x.npy', x); np.save(d + '/w.npy', w); np.save(d + '/r.npy', r)
        json.dump({"learner": "bit", "pois": ["a", "b"], "x": "x.npy", "w": "w.npy", "coefficients": "r.npy",
                   "settings": {"trees": 1, "learning_rate": 1, "max_depth": 1, "min_node_size": 50}}, open(d + '/spec.json', 'w'))
        """)
        let fit = try CLI.run(["fit", directory.appendingPathComponent("spec.json").path, "-o", directory.appendingPathComponent("m.json").path, "--json"])
        XCTAssertEqual(fit.status, 0, fit.all)
        XCTAssertTrue(fit.stdout.contains("a*b"), fit.stdout)
        let check = try python("""
        import numpy as np, sys, json
        d = sys.argv[1]; m = json.load(open(d + '/m.json'))
        assert m['format'] == 'refinery-bit' and m['poiNames'] == ['a', 'b'], m['format']
        t = m['trees'][0]; f = t['splitFeature'][0]; c = t['threshold'][0]
        x = np.load(d + '/x.npy'); w = np.load(d + '/w.npy'); r = np.load(d + '/r.npy')
        left = x[:, f] <= c
        worst = 0.0
        for side, leaf in [(left, ~t['left'][0]), (~left, ~t['right'][0])]:
            expected = (w[side, None] * r[side]).sum(0) / w[side].sum()
            worst = max(worst, float(np.max(np.abs(np.array(t['leafCoefficients'][leaf]) - expected))))
        print(worst)
        """)
        XCTAssertLessThan(Double(check.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 1, 1e-12, check)
    }

    func testCoefficientsOfTheWrongWidthNameTheFile() throws {
        _ = try python("""
        import numpy as np, sys, json
        d = sys.argv[1]; n = 200
        np.save(d + '/x.npy', np.zeros((n, 2))); np.save(d + '/r.npy', np.zeros((n, 4)))
        json.dump({"learner": "bit", "pois": ["a", "b"], "x": "x.npy", "coefficients": "r.npy"}, open(d + '/spec.json', 'w'))
        """)
        let fit = try CLI.run(["fit", directory.appendingPathComponent("spec.json").path, "-o", directory.appendingPathComponent("m.json").path])
        XCTAssertNotEqual(fit.status, 0)
        XCTAssertTrue(fit.stderr.contains("r.npy") && fit.stderr.contains("expected (200, 5)"), fit.stderr)
        try #"{"learner": "bit", "pois": ["a"], "x": "x.npy", "coefficients": "r.npy", "setings": {}}"#
            .write(to: directory.appendingPathComponent("spec.json"), atomically: true, encoding: .utf8)
        let unknown = try CLI.run(["fit", directory.appendingPathComponent("spec.json").path, "-o", directory.appendingPathComponent("m.json").path])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("setings"), unknown.stderr)
    }
}
