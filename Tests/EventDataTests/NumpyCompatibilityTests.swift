import EventData
import Foundation
import XCTest

/// `.npy` files as numpy writes them for float arrays, read back and compared value by value
/// with what numpy itself holds (printed as exact hex floats).
///
/// Before: '<f4', '>f4' and '>f8' were refused as the wrong dtype and `fortran_order: True`
/// was refused outright, so every case but '<f8' C order failed.
final class NumpyCompatibilityTests: XCTestCase {
    func testFloat32Float64BothByteOrdersAndBothMemoryOrdersReadAsNumpyHoldsThem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("refinery-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Values with non-trivial bits (thirds, large and tiny magnitudes) so a byte-order or
        // transposition mistake cannot pass by accident; shapes (5, 3), (7,) and (2, 3, 4).
        let script = """
        import numpy as np, sys, os
        d = sys.argv[1]
        base = {'m': np.arange(15).reshape(5, 3) / 3.0 - 1e-3 * np.arange(15).reshape(5, 3) ** 3,
                'v': np.linspace(-1e5, 1e-5, 7), 'c': np.arange(24).reshape(2, 3, 4) * 1.1 + 1e-9}
        for name, a in base.items():
            for dt in ['<f4', '>f4', '<f8', '>f8']:
                for order in ['C', 'F']:
                    b = np.array(a, dtype=dt, order=order)
                    assert b.flags.f_contiguous == (order == 'F') or b.ndim == 1
                    stem = f"{name}_{dt[0] == '<' and 'le' or 'be'}{dt[2:]}_{order}"
                    np.save(os.path.join(d, stem + '.npy'), b)
                    with open(os.path.join(d, stem + '.txt'), 'w') as f:
                        f.write(' '.join(str(n) for n in b.shape) + '\\n')
                        f.write(' '.join(float(v).hex() for v in b.ravel(order='C')) + '\\n')
        print('ok')
        """
        XCTAssertEqual(try Python.run(script, arguments: [directory.path]).trimmingCharacters(in: .whitespacesAndNewlines), "ok")
        let stems = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".npy") }.map { String($0.dropLast(4)) }.sorted()
        XCTAssertEqual(stems.count, 3 * 4 * 2)
        for stem in stems {
            let lines = try String(contentsOf: directory.appendingPathComponent(stem + ".txt"), encoding: .utf8)
                .split(separator: "\n").map { $0.split(separator: " ") }
            let shape = lines[0].map { Int($0)! }
            let expected = lines[1].map { Double(String($0))! }
            let (readShape, values) = try NpyFile.read(directory.appendingPathComponent(stem + ".npy"), as: Double.self)
            XCTAssertEqual(readShape, shape, stem)
            XCTAssertEqual(values, expected, stem)
        }
        // float32 files read as Float too, without widening.
        let (_, floats) = try NpyFile.read(directory.appendingPathComponent("m_be4_F.npy"), as: Float.self)
        let reference = try NpyFile.read(directory.appendingPathComponent("m_le4_C.npy"), as: Float.self).values
        XCTAssertEqual(floats, reference)
    }

    func testDoubleIsNotNarrowedToFloat() throws {
        let data = NpyFile.encode([1.0 / 3.0], shape: [1])
        XCTAssertThrowsError(try NpyFile.decode(data, as: Float.self, path: "/data/third.npy")) { error in
            XCTAssertEqual(error as? EventDataError, .unsupportedDType(path: "/data/third.npy", dtype: "<f8", expected: "<f4"))
        }
    }
}
