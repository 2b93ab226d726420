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

    /// numpy's other layouts through the CLI: float32 (either byte order) and Fortran-ordered
    /// arrays give the byte-identical model that the same values as float64 give, and the same
    /// predictions.
    func testFloat32AndFortranOrderArraysFitAndPredictLikeFloat64() throws {
        let spec = try makeToy(events: 8000)
        // Two features (a second, noise one) so that Fortran order really differs from C order;
        // values exactly representable in float32. First as float64, C order.
        func python(_ code: String) throws {
            let result = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", """
            import numpy as np, sys, glob
            d = sys.argv[1]
            \(code)
            """, directory.path])
            XCTAssertEqual(result.status, 0, result.all)
        }
        try python("""
        x = np.load(d + "/x0.npy")[:, 0]
        noise = np.random.default_rng(3).normal(size=x.size)
        np.save(d + "/x0.npy", np.stack([x, noise], axis=1).astype(np.float32).astype(np.float64))
        for f in glob.glob(d + "/w*.npy"): np.save(f, np.load(f).astype(np.float32).astype(np.float64))
        xt = np.linspace(-3, 3, 61)
        np.save(d + "/xt.npy", np.stack([xt, xt[::-1]], axis=1).astype(np.float32).astype(np.float64))
        """)
        let reference = directory.appendingPathComponent("reference.json")
        XCTAssertEqual(try CLI.run(["fit", spec.path, "-o", reference.path]).status, 0)
        // The same values as float32, big- and little-endian, x in Fortran order.
        try python("""
        for k, f in enumerate(sorted(glob.glob(d + "/w*.npy"))): np.save(f, np.load(f).astype(">f4" if k % 2 else "<f4"))
        x = np.asfortranarray(np.load(d + "/x0.npy").astype(">f4"))
        np.save(d + "/x0.npy", x)
        np.save(d + "/xt-f.npy", np.asfortranarray(np.load(d + "/xt.npy").astype("<f4")))
        assert np.load(d + "/x0.npy").dtype == np.dtype(">f4")
        assert b"'fortran_order': True" in open(d + "/x0.npy", "rb").read(200)
        assert b"'fortran_order': True" in open(d + "/xt-f.npy", "rb").read(200)
        """)
        let converted = directory.appendingPathComponent("float32.json")
        let fit = try CLI.run(["fit", spec.path, "-o", converted.path])
        XCTAssertEqual(fit.status, 0, fit.all)
        XCTAssertEqual(try Data(contentsOf: converted), try Data(contentsOf: reference), "float32 and Fortran-order inputs must train the same model")
        var outputs: [Data] = []
        for x in ["xt.npy", "xt-f.npy"] {
            let out = directory.appendingPathComponent("t-\(x)")
            let result = try CLI.run(["predict", converted.path, "--x", directory.appendingPathComponent(x).path, "--nu", "0.5,0.5", "-o", out.path])
            XCTAssertEqual(result.status, 0, result.all)
            outputs.append(try Data(contentsOf: out))
        }
        XCTAssertEqual(outputs[0], outputs[1], "a Fortran-ordered float32 x predicts like a C-ordered float64 one")
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
