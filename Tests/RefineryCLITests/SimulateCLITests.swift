import Foundation
import XCTest

/// `refinery simulate`, `inspect`, `--version`, `--help` through the built executable.
final class SimulateCLITests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws { directory = try CLI.temporaryDirectory("simulate") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func testVersionNamesTheCommit() throws {
        let result = try CLI.run(["--version"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stdout.hasPrefix("refinery "), result.stdout)
        XCTAssertTrue(result.stdout.contains("commit "), result.stdout)
    }

    func testEverySubcommandHasHelp() throws {
        for command in [["demo"], ["simulate"], ["inspect"], ["train"], ["fit"], ["predict"], ["plugins"], ["plugins", "list"], ["plugins", "new"]] {
            let result = try CLI.run(command + ["--help"])
            XCTAssertEqual(result.status, 0, "\(command): \(result.all)")
            XCTAssertTrue(result.stdout.contains("USAGE"), "\(command): \(result.stdout)")
        }
    }

    func testUnknownOptionExitsWithUsageStatus() throws {
        let result = try CLI.run(["simulate", "x", "--evnts", "5"])
        XCTAssertEqual(result.status, 64, result.all)
    }

    /// Same workspace and seed → the same bytes, whatever the number of threads.
    func testSameSeedSameBytesWithOneAndTwoThreads() throws {
        let a = try CLI.workspace(in: directory, name: "a", events: 3000, seed: 99)
        let b = try CLI.workspace(in: directory, name: "b", events: 3000, seed: 99)
        XCTAssertEqual(try CLI.run(["simulate", a.path, "--threads", "1"]).status, 0)
        XCTAssertEqual(try CLI.run(["simulate", b.path, "--threads", "2"]).status, 0)
        for sample in ["nominal", "alternative"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: a.appendingPathComponent("samples/\(sample)").path).sorted()
            XCTAssertEqual(files, ["fiducial.npy", "manifest.json", "scale.npy", "smeft.npy", "w.npy", "x.npy", "z.npy"])
            for file in files {
                let left = try Data(contentsOf: a.appendingPathComponent("samples/\(sample)/\(file)"))
                let right = try Data(contentsOf: b.appendingPathComponent("samples/\(sample)/\(file)"))
                XCTAssertEqual(left, right, "\(sample)/\(file) differs between 1 and 2 threads")
            }
        }
    }

    /// A physicist opens the simulated sample with numpy alone, by the documented names.
    func testSimulatedSampleOpensInNumpyWithDocumentedNamesAndShapes() throws {
        let ws = try CLI.workspace(in: directory, events: 1500)
        XCTAssertEqual(try CLI.run(["simulate", ws.path]).status, 0)
        let script = """
        import json, numpy as np, sys
        d = sys.argv[1] + '/samples/nominal'
        m = json.load(open(d + '/manifest.json'))
        cols = {c['name']: c for c in m['columns']}
        n = m['count']
        x, z, w = np.load(d + '/x.npy'), np.load(d + '/z.npy'), np.load(d + '/w.npy')
        smeft, scale, fid = np.load(d + '/smeft.npy'), np.load(d + '/scale.npy'), np.load(d + '/fiducial.npy')
        assert x.shape == (n, 14) and z.shape == (n, 66) and w.shape == (n,), (x.shape, z.shape)
        assert smeft.shape == (n, 20) and scale.shape == (n, 8) and fid.dtype == np.uint8
        assert cols['x']['names'][0] == 'm_tt' and cols['x']['units'][0] == 'GeV' and len(cols['x']['names']) == 14
        assert cols['z']['names'][cols['z']['names'].index('jet0_pt')] == 'jet0_pt'
        assert cols['scale']['names'][0] == 'scale_R-1_F-1'
        assert fid.sum() == 1500 and abs(w[fid == 1].sum() - 0.31) < 1e-12
        assert (x[fid == 1, 0] > 750).all()
        mtt = cols['x']['names'].index('m_tt')
        print('ok', n)
        """
        let result = try CLI.runProgram(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, ws.path])
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertTrue(result.stdout.hasPrefix("ok "), result.all)
    }

    func testExistingSamplesAreNotOverwrittenWithoutForce() throws {
        let ws = try CLI.workspace(in: directory, events: 1000)
        XCTAssertEqual(try CLI.run(["simulate", ws.path]).status, 0)
        let manifest = ws.appendingPathComponent("samples/nominal/manifest.json")
        let before = try Data(contentsOf: manifest)
        let again = try CLI.run(["simulate", ws.path, "--seed", "5"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("already exists") && again.stderr.contains("--force"), again.stderr)
        XCTAssertEqual(try Data(contentsOf: manifest), before)
        XCTAssertEqual(try CLI.run(["simulate", ws.path, "--seed", "5", "--force"]).status, 0)
        XCTAssertNotEqual(try Data(contentsOf: manifest), before)
    }

    func testInspectReportsTheFiducialCrossSection() throws {
        let ws = try CLI.workspace(in: directory, events: 2000)
        XCTAssertEqual(try CLI.run(["simulate", ws.path]).status, 0)
        let result = try CLI.run(["inspect", ws.appendingPathComponent("samples/nominal").path, "--json"])
        XCTAssertEqual(result.status, 0, result.all)
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(report["fiducialEvents"] as? Int, 2000)
        XCTAssertEqual(report["fiducialCrossSectionPb"] as! Double, 0.31, accuracy: 1e-12)
        let features = report["features"] as! [[String: Any]]
        XCTAssertEqual(features.count, 14)
        XCTAssertEqual(features[0]["name"] as? String, "m_tt")
        XCTAssertGreaterThan((features[0]["quantiles"] as! [Double])[0], 750)
        let table = try CLI.run(["inspect", ws.appendingPathComponent("samples/nominal").path])
        XCTAssertTrue(table.stdout.contains("σ_fid        0.31 pb"), table.stdout)
    }

    func testEditedColumnIsDetectedWhenRead() throws {
        let ws = try CLI.workspace(in: directory, events: 1000)
        XCTAssertEqual(try CLI.run(["simulate", ws.path]).status, 0)
        let file = ws.appendingPathComponent("samples/nominal/w.npy")
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count - 3] ^= 0x10
        try bytes.write(to: file)
        let result = try CLI.run(["inspect", ws.appendingPathComponent("samples/nominal").path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains(file.path) && result.stderr.contains("modified"), result.stderr)
    }

    func testTruncatedColumnIsDetectedWhenRead() throws {
        let ws = try CLI.workspace(in: directory, events: 1000)
        XCTAssertEqual(try CLI.run(["simulate", ws.path]).status, 0)
        let file = ws.appendingPathComponent("samples/nominal/x.npy")
        let bytes = try Data(contentsOf: file)
        try bytes.prefix(bytes.count / 2).write(to: file)
        let result = try CLI.run(["inspect", ws.appendingPathComponent("samples/nominal").path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains(file.path), result.stderr)
    }

    func testMalformedConfigNamesFileAndField() throws {
        let ws = try CLI.workspace(in: directory, events: 1000)
        let config = ws.appendingPathComponent("refinery.yaml")
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "nominal_events: 1000\n  alternative", with: "nominal_events: lots\n  alternative")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let result = try CLI.run(["simulate", ws.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains(config.path), result.stderr)
        XCTAssertTrue(result.stderr.contains("simulation.nominal_events"), result.stderr)
        XCTAssertTrue(result.stderr.contains("integer"), result.stderr)
    }

    func testUnknownSchemaVersionIsRefused() throws {
        let ws = try CLI.workspace(in: directory, events: 1000)
        let config = ws.appendingPathComponent("refinery.yaml")
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "schema: 1", with: "schema: 7")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let result = try CLI.run(["simulate", ws.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("field 'schema' is 7") && result.stderr.contains("Upgrade Refinery"), result.stderr)
    }

    func testTypoInFieldNameSuggestsTheRightOne() throws {
        let ws = try CLI.workspace(in: directory, events: 1000)
        let config = ws.appendingPathComponent("refinery.yaml")
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(of: "  trees: 20\nsystematics", with: "  tres: 20\nsystematics")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let result = try CLI.run(["simulate", ws.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("learner.tres") && result.stderr.contains("Did you mean 'trees'?"), result.stderr)
    }

    func testNotAWorkspace() throws {
        let result = try CLI.run(["simulate", directory.appendingPathComponent("nowhere").path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("not a workspace folder"), result.stderr)
    }
}
