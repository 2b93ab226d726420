import EventData
import Foundation
import XCTest

final class NpyFileTests: XCTestCase {
    func testHeaderIsPaddedTo64BytesAndParsesBack() throws {
        let data = NpyFile.encode([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], shape: [3, 2])
        let header = try NpyFile.parseHeader(data, path: "mem")
        XCTAssertEqual(header.dataOffset % 64, 0)
        XCTAssertEqual(header.descr, "<f8")
        XCTAssertEqual(header.shape, [3, 2])
        let decoded = try NpyFile.decode(data, as: Double.self, path: "mem")
        XCTAssertEqual(decoded.values, [1, 2, 3, 4, 5, 6])
    }

    func testOneDimensionalShapeUsesPythonTupleSyntax() throws {
        let data = NpyFile.encode([UInt8(1), 0, 1], shape: [3])
        let text = String(decoding: data.prefix(64), as: UTF8.self)
        XCTAssertTrue(text.contains("'shape': (3,)"), text)
        XCTAssertTrue(text.contains("'descr': '|u1'"), text)
    }

    func testWrongDTypeIsRefusedNamingTheFile() throws {
        let data = NpyFile.encode([UInt8(1)], shape: [1])
        XCTAssertThrowsError(try NpyFile.decode(data, as: Double.self, path: "/tmp/flags.npy")) { error in
            XCTAssertTrue(error.localizedDescription.contains("/tmp/flags.npy"), error.localizedDescription)
            XCTAssertTrue(error.localizedDescription.contains("<f8"), error.localizedDescription)
        }
    }

    func testTruncatedDataIsDetected() throws {
        let data = NpyFile.encode([1.0, 2.0, 3.0], shape: [3])
        XCTAssertThrowsError(try NpyFile.decode(data.dropLast(5), as: Double.self, path: "cut.npy")) { error in
            guard case EventDataError.truncated(path: "cut.npy", expectedBytes: 24, actualBytes: 19)? = error as? EventDataError else {
                return XCTFail("unexpected \(error)")
            }
        }
    }

    func testNotNpyAtAll() {
        XCTAssertThrowsError(try NpyFile.decode(Data("hello world, not numpy".utf8), as: Double.self, path: "x.npy")) { error in
            XCTAssertTrue(error.localizedDescription.contains("not a NumPy"), error.localizedDescription)
        }
    }
}
