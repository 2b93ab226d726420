import Foundation

/// Element types that can be stored in a `.npy` file.
public protocol NpyScalar: Sendable {
    /// The NumPy `descr` string, little-endian (`<f8`, `|u1`, ...).
    static var npyDescr: String { get }
}
extension Double: NpyScalar { public static var npyDescr: String { "<f8" } }
extension Float: NpyScalar { public static var npyDescr: String { "<f4" } }
extension UInt8: NpyScalar { public static var npyDescr: String { "|u1" } }
extension Int32: NpyScalar { public static var npyDescr: String { "<i4" } }
extension Int64: NpyScalar { public static var npyDescr: String { "<i8" } }
extension UInt32: NpyScalar { public static var npyDescr: String { "<u4" } }

/// Reading and writing the NumPy `.npy` format. Writes version 1.0, C order, little-endian;
/// reads versions 1–3 as numpy writes them for plain numeric arrays (see `decode`).
///
/// Format (numpy.lib.format): the magic `\x93NUMPY`, version bytes `1 0`, a little-endian
/// UInt16 header length, then a Python-literal dict with `descr`, `fortran_order` and `shape`,
/// padded with spaces and a final newline so that the data starts at a multiple of 64 bytes.
public enum NpyFile {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// The header bytes for an array of the given element type and shape.
    public static func header<T: NpyScalar>(_: T.Type, shape: [Int]) -> [UInt8] {
        var dict = "{'descr': '\(T.npyDescr)', 'fortran_order': False, 'shape': \(shapeText(shape)), }"
        let unpadded = magic.count + 2 + 2 + dict.utf8.count + 1
        let padding = (64 - unpadded % 64) % 64
        dict += String(repeating: " ", count: padding) + "\n"
        let length = UInt16(dict.utf8.count)
        return magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(dict.utf8)
    }

    /// The complete file contents for `values` with `shape` (product of shape == count).
    public static func encode<T: NpyScalar>(_ values: [T], shape: [Int]) -> Data {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not match \(values.count) values")
        var data = Data(header(T.self, shape: shape))
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    /// Decodes `data` (a whole `.npy` file) as elements of type `T`, in C (row-major) order,
    /// which is what every caller indexes by (`values[row * width + column]`).
    ///
    /// Accepted beyond `T`'s own dtype: the other byte order, Fortran order (transposed here),
    /// and float32 when `T` is `Double` (widened exactly). The header is validated and the file
    /// size checked against it before anything is allocated; an array whose non-leading axis has
    /// length 0, such as `(N, 0)`, is refused, since no caller can use rows without columns and
    /// dividing by that width is how such a file crashed them.
    public static func decode<T: NpyScalar>(_ data: Data, as _: T.Type, path: String) throws -> (shape: [Int], values: [T]) {
        let header = try parseHeader(data, path: path)
        guard let wanted = NpyDType(T.npyDescr) else { preconditionFailure("\(T.self) has no plain npy dtype") }
        let widenFloat32 = T.self == Double.self && header.dtype.kind == "f" && header.dtype.itemSize == 4
        guard header.dtype.sameType(as: wanted) || widenFloat32 else {
            throw EventDataError.unsupportedDType(path: path, dtype: header.descr, expected: T.npyDescr)
        }
        if let axis = header.shape.dropFirst().firstIndex(of: 0) {
            throw EventDataError.notNpy(path: path,
                reason: "shape \(shapeText(header.shape)) has length 0 on axis \(axis): rows without columns hold no data")
        }
        let actual = data.count - header.dataOffset
        guard actual == header.dataBytes else {
            throw EventDataError.truncated(path: path, expectedBytes: header.dataBytes, actualBytes: actual)
        }
        let fileOrder: [T]
        if widenFloat32 {
            // T is Double here, so the cast is an identity the compiler cannot see.
            fileOrder = unsafeBitCast(elements(Float.self, of: data, header: header).map(Double.init), to: [T].self)
        } else {
            fileOrder = elements(T.self, of: data, header: header)
        }
        let values = header.fortranOrder ? rowMajor(fortranOrder: fileOrder, shape: header.shape) : fileOrder
        return (header.shape, values)
    }

    /// The header's `count` elements as `E`, byte-swapped when the file is big-endian.
    private static func elements<E>(_: E.Type, of data: Data, header: Header) -> [E] {
        let size = MemoryLayout<E>.stride
        precondition(size == header.dtype.itemSize)
        return [E](unsafeUninitializedCapacity: header.count) { buffer, initialized in
            let destination = UnsafeMutableRawBufferPointer(buffer)
            data.withUnsafeBytes { raw in
                let source = UnsafeRawBufferPointer(rebasing: raw[header.dataOffset ..< header.dataOffset + header.dataBytes])
                destination.copyMemory(from: source)
            }
            if header.dtype.needsByteSwap {
                for start in stride(from: 0, to: header.dataBytes, by: size) {
                    var low = start, high = start + size - 1
                    while low < high { destination.swapAt(low, high); low += 1; high -= 1 }
                }
            }
            initialized = header.count
        }
    }

    /// Reorders column-major values of `shape` into row-major order: element (i₀, …, iₖ) sits at
    /// i₀ + n₀·(i₁ + n₁·(…)) in the file and at ((i₀·n₁ + i₁)·n₂ + …) in the result.
    static func rowMajor<E>(fortranOrder values: [E], shape: [Int]) -> [E] {
        guard shape.count > 1, !values.isEmpty else { return values }
        if shape.count == 2 {
            let rows = shape[0], columns = shape[1]
            return [E](unsafeUninitializedCapacity: values.count) { buffer, initialized in
                for row in 0..<rows {
                    for column in 0..<columns {
                        (buffer.baseAddress! + row * columns + column).initialize(to: values[column * rows + row])
                    }
                }
                initialized = values.count
            }
        }
        // General rank: walk the result in order with an odometer over the index, keeping the
        // matching column-major offset up to date.
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { strides[axis] = strides[axis - 1] * shape[axis - 1] }
        var index = [Int](repeating: 0, count: shape.count)
        var offset = 0
        var result: [E] = []
        result.reserveCapacity(values.count)
        for _ in 0..<values.count {
            result.append(values[offset])
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                offset += strides[axis]
                if index[axis] < shape[axis] { break }
                offset -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// Reads a `.npy` file of element type `T`.
    public static func read<T: NpyScalar>(_ url: URL, as type: T.Type) throws -> (shape: [Int], values: [T]) {
        guard FileManager.default.fileExists(atPath: url.path) else { throw EventDataError.missingFile(path: url.path) }
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw EventDataError.io(path: url.path, reason: error.localizedDescription)
        }
        return try decode(data, as: type, path: url.path)
    }

    /// Writes `values` atomically (temporary file, then rename).
    public static func write<T: NpyScalar>(_ values: [T], shape: [Int], to url: URL) throws {
        try AtomicFile.write(encode(values, shape: shape), to: url)
    }
}
