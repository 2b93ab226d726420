import EventData
import Foundation
import XCTest

final class DataSetTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("refinery-eventdata-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func makeWriter(count: Int = 4) -> DataSetWriter {
        var writer = DataSetWriter(name: "toy", kind: "sample", count: count, seed: 7, configuration: .object(["a": .number(1)]))
        writer.add("x", values: (0..<(count * 2)).map(Double.init), shape: [count, 2], names: ["mtt", "ptt"], units: ["GeV", "GeV"],
                   description: "observables")
        writer.add("w", values: Array(repeating: 0.25, count: count), shape: [count], description: "weights")
        writer.add("fiducial", values: [UInt8](repeating: 1, count: count), shape: [count], description: "flags")
        return writer
    }

    func testRoundTripChecksHashesAndShapes() throws {
        let url = directory.appendingPathComponent("toy")
        try makeWriter().write(to: url, overwrite: false)
        let dataSet = try DataSet.open(url)
        XCTAssertEqual(dataSet.count, 4)
        XCTAssertEqual(try dataSet.read("x", as: Double.self).shape, [4, 2])
        XCTAssertEqual(try dataSet.read("w", as: Double.self).values.reduce(0, +), 1.0)
        XCTAssertTrue(dataSet.verify().isEmpty)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "staging folders must not survive a successful write")
    }

    func testSameContentGivesSameBytes() throws {
        let a = directory.appendingPathComponent("a"), b = directory.appendingPathComponent("b")
        try makeWriter().write(to: a, overwrite: false)
        try makeWriter().write(to: b, overwrite: false)
        for file in ["manifest.json", "x.npy", "w.npy", "fiducial.npy"] {
            XCTAssertEqual(try Data(contentsOf: a.appendingPathComponent(file)), try Data(contentsOf: b.appendingPathComponent(file)), file)
        }
    }

    func testExistingOutputIsNotOverwrittenWithoutForce() throws {
        let url = directory.appendingPathComponent("toy")
        try makeWriter().write(to: url, overwrite: false)
        let before = try Data(contentsOf: url.appendingPathComponent("x.npy"))
        var other = DataSetWriter(name: "toy", kind: "sample", count: 1, seed: 8, configuration: .null)
        other.add("x", values: [9.0, 9.0], shape: [1, 2], description: "")
        XCTAssertThrowsError(try other.write(to: url, overwrite: false)) { error in
            XCTAssertEqual(error as? EventDataError, .outputExists(path: url.path))
            XCTAssertTrue(error.localizedDescription.contains("--force"))
        }
        XCTAssertEqual(try Data(contentsOf: url.appendingPathComponent("x.npy")), before)
        try other.write(to: url, overwrite: true)
        XCTAssertEqual(try DataSet.open(url).count, 1)
    }

    func testEditedFileIsDetectedThroughItsHash() throws {
        let url = directory.appendingPathComponent("toy")
        try makeWriter().write(to: url, overwrite: false)
        let file = url.appendingPathComponent("w.npy")
        var bytes = try Data(contentsOf: file)
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: file)
        XCTAssertThrowsError(try DataSet.open(url).read("w", as: Double.self)) { error in
            XCTAssertTrue(error.localizedDescription.contains(file.path), error.localizedDescription)
            XCTAssertTrue(error.localizedDescription.contains("modified"), error.localizedDescription)
        }
        XCTAssertEqual(try DataSet.open(url).verify().count, 1)
    }

    func testTruncatedFileIsDetectedNamingIt() throws {
        let url = directory.appendingPathComponent("toy")
        try makeWriter().write(to: url, overwrite: false)
        let file = url.appendingPathComponent("x.npy")
        let bytes = try Data(contentsOf: file)
        try bytes.prefix(bytes.count - 8).write(to: file)
        XCTAssertThrowsError(try DataSet.open(url).read("x", as: Double.self)) { error in
            XCTAssertTrue(error.localizedDescription.contains(file.path), error.localizedDescription)
        }
    }

    func testUnknownManifestVersionIsRefused() throws {
        let url = directory.appendingPathComponent("toy")
        try makeWriter().write(to: url, overwrite: false)
        let manifestURL = url.appendingPathComponent("manifest.json")
        let text = try String(contentsOf: manifestURL, encoding: .utf8).replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 99")
        try text.write(to: manifestURL, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try DataSet.open(url)) { error in
            XCTAssertTrue(error.localizedDescription.contains("'version' is 99"), error.localizedDescription)
        }
    }

    /// A physicist opens the data set with numpy alone.
    func testNumpyReadsTheDataSet() throws {
        let url = directory.appendingPathComponent("toy")
        try makeWriter().write(to: url, overwrite: false)
        let script = """
        import json, numpy as np, sys
        d = sys.argv[1]
        m = json.load(open(d + '/manifest.json'))
        x = np.load(d + '/x.npy'); w = np.load(d + '/w.npy'); f = np.load(d + '/fiducial.npy')
        assert x.shape == (4, 2) and x.dtype == np.float64, x.shape
        assert m['columns'][0]['names'] == ['mtt', 'ptt']
        assert abs(w.sum() - 1.0) < 1e-15 and f.dtype == np.uint8
        assert x[3, 1] == 7.0
        print('ok')
        """
        let output = try Python.run(script, arguments: [url.path])
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "ok")
    }
}

/// Runs python3 with a script; fails the test with stderr when python fails.
enum Python {
    static func run(_ script: String, arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw NSError(domain: "python", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: String(decoding: error, as: UTF8.self)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
