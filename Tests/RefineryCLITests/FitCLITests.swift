import Foundation
import XCTest

/// `refinery fit` / `predict` on numpy data made by python3, as a physicist would use them.
final class FitCLITests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try CLI.temporaryDirectory("fit") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// Writes the analytic toy of appendix C.5 (eq. C.33) as reweighted numpy samples and a spec;
    /// `mutate` is python code run before saving (to break things).
    func makeToy(events: Int = 40000, mutate: String = "", specPatch: String = "") throws -> URL {
        let script = """
        import json, numpy as np, sys
        d = sys.argv[1]
        rng = np.random.default_rng(7)
        x = rng.uniform(-np.pi, np.pi, \(events))
        V = [(0.5, 0), (0, 0.5), (1, 0), (0, 1), (0.5, 0.5)]
        ld = lambda x, a, b: 0.25 * (a * np.sin(x) + b * np.cos(0.5 * x)) ** 2
        ws = [np.exp(ld(x, a, b)) for a, b in V]
        spec = {"parameters": ["nu1", "nu2"],
                "terms": [["nu1"], ["nu2"], ["nu1", "nu1"], ["nu2", "nu2"], ["nu1", "nu2"]],
                "nominal": {"x": "x0.npy"},
                "base_points": [{"nu": list(map(float, v)), "w": f"w{k}.npy"} for k, v in enumerate(V)],
                "settings": {"trees": 100, "max_depth": 4, "min_node_size": 50, "learning_rate": 0.2}}
        \(mutate)
        np.save(d + "/x0.npy", x.reshape(-1, 1))
        for k, w in enumerate(ws): np.save(d + f"/w{k}.npy", w)
        \(specPatch)
        json.dump(spec, open(d + "/spec.json", "w"))
        np.save(d + "/xt.npy", np.linspace(-3, 3, 61).reshape(-1, 1))
        """
        let result = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, directory.path])
        XCTAssertEqual(result.status, 0, result.all)
        return directory.appendingPathComponent("spec.json")
    }

    func testFitAndPredictMatchTheAnalyticToy() throws {
        let spec = try makeToy()
        let model = directory.appendingPathComponent("model.json").path
        XCTAssertEqual(try CLI.run(["fit", spec.path, "-o", model]).status, 0)
        for nu in ["0.5,0", "0,1", "-0.5,0.7", "1.2,-0.3"] {
            let out = directory.appendingPathComponent("t.npy").path
            let result = try CLI.run(["predict", model, "--x", directory.appendingPathComponent("xt.npy").path, "--nu", nu, "-o", out])
            XCTAssertEqual(result.status, 0, result.all)
            let check = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import numpy as np, sys
            x = np.load(sys.argv[1])[:, 0]; t = np.load(sys.argv[2]); a, b = map(float, sys.argv[3].split(','))
            assert t.dtype == np.float64 and t.shape == x.shape
            print(np.abs(np.exp(t - 0.25 * (a * np.sin(x) + b * np.cos(0.5 * x)) ** 2) - 1).max())
            """, directory.appendingPathComponent("xt.npy").path, out, nu])
            let deviation = try XCTUnwrap(Double(check.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), check.all)
            XCTAssertLessThan(deviation, 0.02, "ν = \(nu)")
        }
        let coefficients = directory.appendingPathComponent("c.npy").path
        XCTAssertEqual(try CLI.run(["predict", model, "--x", directory.appendingPathComponent("xt.npy").path, "--coefficients", "-o", coefficients]).status, 0)
        let shape = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import numpy as np, sys; print(np.load(sys.argv[1]).shape)", coefficients])
        XCTAssertEqual(shape.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "(61, 5)")
    }

    func fitFails(_ spec: URL, mentioning texts: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try CLI.run(["fit", spec.path, "-o", directory.appendingPathComponent("m.json").path])
        XCTAssertEqual(result.status, 1, result.all, file: file, line: line)
        for text in texts { XCTAssertTrue(result.stderr.contains(text), "expected '\(text)' in: \(result.stderr)", file: file, line: line) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("m.json").path), file: file, line: line)
    }

    func testNaNFeatureNamesFileAndEvent() throws {
        try fitFails(try makeToy(mutate: "x[17] = np.nan"), mentioning: ["x0.npy", "nominal", "event 17", "nan"])
    }

    func testInfiniteWeightNamesFileAndEvent() throws {
        try fitFails(try makeToy(mutate: "ws[2][5] = np.inf"), mentioning: ["w2.npy", "base point 2", "event 5"])
    }

    func testLengthMismatchNamesTheFile() throws {
        try fitFails(try makeToy(mutate: "ws[1] = ws[1][:-3]"), mentioning: ["w1.npy", "base point 1"])
    }

    func testDuplicateBasePoints() throws {
        try fitFails(try makeToy(specPatch: "spec['base_points'][4]['nu'] = [0.5, 0.0]"), mentioning: ["spec.json", "duplicates base point 0"])
    }

    func testNominalAmongBasePoints() throws {
        try fitFails(try makeToy(specPatch: "spec['base_points'][4]['nu'] = [0.0, 0.0]"), mentioning: ["spec.json", "nominal point"])
    }

    func testRankDeficientBasePointsNameTheUndeterminedTerm() throws {
        try fitFails(try makeToy(specPatch: "spec['base_points'] = spec['base_points'][:4]"), mentioning: ["spec.json", "cannot be determined", "nu1,nu2"])
    }

    func testTooFewEventsForTheMinimumNodeSize() throws {
        try fitFails(try makeToy(events: 40, specPatch: ""), mentioning: ["x0.npy", "minimum node size"])
    }

    func testUnknownParameterInTerms() throws {
        try fitFails(try makeToy(specPatch: "spec['terms'][4] = ['nu1', 'nu3']"), mentioning: ["spec.json", "nu3"])
    }
}
