import EventData
import Foundation
import XCTest

/// Data set manifests whose numbers are hostile: refused by `DataSet.open`, before any reader
/// allocates from them.
final class ManifestLimitTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("refinery-manifest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// A real two-event data set whose manifest is then edited as JSON by `edit`.
    func dataSet(editing edit: (inout [String: Any]) -> Void) throws -> URL {
        let url = directory.appendingPathComponent("toy")
        var writer = DataSetWriter(name: "toy", kind: "sample", count: 2, seed: 1, configuration: .null)
        writer.add("x", values: [1.0, 2.0, 3.0, 4.0], shape: [2, 2], description: "observables")
        writer.add("w", values: [0.5, 0.5], shape: [2], description: "weights")
        try writer.write(to: url, overwrite: true)
        let manifestURL = url.appendingPathComponent(DataSetManifest.fileName)
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as! [String: Any]
        edit(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: manifestURL)
        return url
    }

    func column(_ json: inout [String: Any], _ index: Int, _ key: String, _ value: Any) {
        var columns = json["columns"] as! [[String: Any]]
        columns[index][key] = value
        json["columns"] = columns
    }

    func assertRefused(_ url: URL, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let start = Date()
        XCTAssertThrowsError(try DataSet.open(url), file: file, line: line) { error in
            let message = error.localizedDescription
            XCTAssertTrue(message.contains("manifest.json"), message, file: file, line: line)
            XCTAssertTrue(message.contains(expected), "expected '\(expected)' in: \(message)", file: file, line: line)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, file: file, line: line)
    }

    // Before: opened fine; `LoadedSample` then allocated 4·10⁹ fiducial flags and the readers
    // sized their work by the count.
    func testFourBillionEventsOverSmallFilesAreRefused() throws {
        let url = try dataSet { json in
            json["count"] = 4_000_000_000
            column(&json, 0, "shape", [4_000_000_000, 2])
            column(&json, 1, "shape", [4_000_000_000])
        }
        assertRefused(url, "claims 4000000000 events")
    }

    // Before: opened fine (the shapes were only compared after reading a file).
    func testCountThatIsNotTheColumnsFirstAxisIsRefused() throws {
        assertRefused(try dataSet { $0["count"] = 3 }, "first axis should be the event count 3")
        assertRefused(try dataSet { $0["count"] = -2; column(&$0, 0, "shape", [-2, 2]); column(&$0, 1, "shape", [-2]) }, "≥ 0")
    }

    // Before: opened fine; multiplying the shape trapped in the first reader that did.
    func testShapeWhoseByteSizeOverflowsIsRefused() throws {
        assertRefused(try dataSet { column(&$0, 0, "shape", [2, Int.max / 2]) }, "more bytes than fit in 64 bits")
        assertRefused(try dataSet { column(&$0, 0, "shape", [2, -1]) }, "negative length -1")
    }

    // Before: `read("x")` opened `<folder>/../outside.npy`.
    func testColumnFileOutsideTheFolderIsRefused() throws {
        assertRefused(try dataSet { column(&$0, 0, "file", "../outside.npy") }, "plain names inside the data set folder")
    }
}
