import EventData
import Foundation
import XCTest

/// Crafted `.npy` headers: each must be a thrown error naming the file and what is wrong,
/// never a trap or a crash, and never an allocation sized by the hostile header.
final class HostileNpyHeaderTests: XCTestCase {
    /// A version-1 file with the header dict `dict` followed by `dataBytes` zero bytes.
    func file(_ dict: String, dataBytes: Int = 0, version: UInt8 = 1, claimedLength: Int? = nil) -> Data {
        var header = Array(dict.utf8)
        header += Array(repeating: UInt8(ascii: " "), count: (64 - (header.count + 11) % 64) % 64) + [0x0A]
        let length = claimedLength ?? header.count
        var data = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0])
        if version == 1 { data += [UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF)] }
        else { data += (0..<4).map { UInt8((length >> (8 * $0)) & 0xFF) } }
        return data + header + Data(count: dataBytes)
    }

    func assertRefused(_ data: Data, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        let path = "/hostile/\(UUID().uuidString).npy"
        let start = Date()
        XCTAssertThrowsError(try NpyFile.decode(data, as: Double.self, path: path), file: file, line: line) { error in
            let message = error.localizedDescription
            XCTAssertTrue(message.contains(path), "message does not name the file: \(message)", file: file, line: line)
            XCTAssertTrue(message.contains(expected), "message does not say '\(expected)': \(message)", file: file, line: line)
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, file: file, line: line)
    }

    // Before: decoded as 5 rows of 0 columns; `fit` then divided the value count by the width
    // 0 and died with SIGFPE.
    func testRowsWithoutColumnsAreRefused() {
        assertRefused(file("{'descr': '<f8', 'fortran_order': False, 'shape': (5, 0), }"), "length 0 on axis 1")
    }

    // Before: the product (−1)·(−1) = 1 matched 8 data bytes and shape [-1, -1] reached the
    // callers, which crashed indexing with it.
    func testNegativeShapeIsRefused() {
        assertRefused(file("{'descr': '<f8', 'fortran_order': False, 'shape': (-1, -1), }", dataBytes: 8), "negative length -1")
    }

    // Before: `shape.reduce(1, *)` overflowed and trapped (SIGILL), killing the process.
    func testOverflowingShapeIsRefused() {
        assertRefused(file("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }"),
                      "more elements than fit in 64 bits")
        // Elements fit, bytes do not: 2⁶¹ elements of 8 bytes.
        assertRefused(file("{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,), }"),
                      "more bytes than fit in 64 bits")
    }

    // Before: the entry was silently dropped by `compactMap`, leaving shape () with one element.
    func testShapeEntryBeyond64BitsIsRefused() {
        assertRefused(file("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }", dataBytes: 8),
                      "does not fit in 64 bits")
    }

    // Before: a version-2 header length of 4 GiB was accepted if the file were that long, and
    // the length was added to the offset unchecked.
    func testAbsurdHeaderLengthIsRefused() {
        assertRefused(file("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", dataBytes: 8, version: 2,
                           claimedLength: 0xFFFF_FFFF), "exceeds the limit")
        assertRefused(file("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", dataBytes: 8, claimedLength: 0xFFFF),
                      "header cut short")
    }

    func testFileSizeMustMatchTheHeader() {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 3), }"
        assertRefused(file(header, dataBytes: 24), "truncated")
        assertRefused(file("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", dataBytes: 24), "truncated")
    }

    // Before: the substring search took the first "'shape': (" anywhere, even inside the
    // descr string, and ignored unknown keys and a missing fortran_order.
    func testMalformedDictsAreRefusedPrecisely() {
        assertRefused(file("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", dataBytes: 16), "dtype '<c16' is not supported")
        assertRefused(file("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", dataBytes: 8), "structured")
        assertRefused(file("{'descr': '<f8', 'shape': (1,), }", dataBytes: 8), "no 'fortran_order'")
        assertRefused(file("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'shape': (2,), }", dataBytes: 8), "twice")
        assertRefused(file("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'evil': 1}", dataBytes: 8), "unknown key 'evil'")
        assertRefused(file("{'descr': '<f8', 'fortran_order': False, 'shape': (1,"), "malformed")
    }

    /// Every prefix of a valid file is refused cleanly (no index out of range anywhere).
    func testEveryTruncationOfAValidFileIsAnError() {
        let data = NpyFile.encode([1.0, 2.0, 3.0, 4.0], shape: [2, 2])
        for length in 0..<data.count {
            XCTAssertThrowsError(try NpyFile.decode(data.prefix(length), as: Double.self, path: "cut.npy"), "\(length) bytes")
        }
    }
}
