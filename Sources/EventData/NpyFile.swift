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

/// Reading and writing the NumPy `.npy` format, version 1.0, C order.
///
/// Format (numpy.lib.format): the magic `\x93NUMPY`, version bytes `1 0`, a little-endian
/// UInt16 header length, then a Python-literal dict with `descr`, `fortran_order` and `shape`,
/// padded with spaces and a final newline so that the data starts at a multiple of 64 bytes.
public enum NpyFile {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// The header bytes for an array of the given element type and shape.
    public static func header<T: NpyScalar>(_: T.Type, shape: [Int]) -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var dict = "{'descr': '\(T.npyDescr)', 'fortran_order': False, 'shape': \(shapeText), }"
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

    /// Parsed header: element type, shape and the offset of the data.
    public struct Header: Equatable, Sendable {
        public var descr: String
        public var shape: [Int]
        public var dataOffset: Int
        public var count: Int { shape.reduce(1, *) }
    }

    /// Parses the header of `data` read from `path` (used only in messages).
    public static func parseHeader(_ data: Data, path: String) throws -> Header {
        guard data.count >= 10, Array(data.prefix(6)) == magic else {
            throw EventDataError.notNpy(path: path, reason: "missing the \\x93NUMPY magic")
        }
        let major = data[data.startIndex + 6]
        let headerLength: Int
        let start: Int
        if major == 1 {
            headerLength = Int(data[data.startIndex + 8]) | Int(data[data.startIndex + 9]) << 8
            start = 10
        } else if major == 2 || major == 3 {
            guard data.count >= 12 else { throw EventDataError.notNpy(path: path, reason: "header cut short") }
            headerLength = (0..<4).reduce(0) { $0 | Int(data[data.startIndex + 8 + $1]) << (8 * $1) }
            start = 12
        } else {
            throw EventDataError.notNpy(path: path, reason: "unknown format version \(major)")
        }
        guard data.count >= start + headerLength,
              let text = String(data: data.subdata(in: data.startIndex + start ..< data.startIndex + start + headerLength), encoding: .utf8)
        else { throw EventDataError.notNpy(path: path, reason: "header cut short") }
        guard let descr = field("descr", in: text) else {
            throw EventDataError.notNpy(path: path, reason: "header has no 'descr'")
        }
        if text.contains("'fortran_order': True") {
            throw EventDataError.notNpy(path: path, reason: "Fortran order is not supported; save with numpy.ascontiguousarray")
        }
        guard let open = text.range(of: "'shape': ("), let close = text[open.upperBound...].firstIndex(of: ")") else {
            throw EventDataError.notNpy(path: path, reason: "header has no 'shape'")
        }
        let shape = text[open.upperBound..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        return Header(descr: descr, shape: shape, dataOffset: start + headerLength)
    }

    private static func field(_ name: String, in text: String) -> String? {
        guard let key = text.range(of: "'\(name)': '") else { return nil }
        guard let end = text[key.upperBound...].firstIndex(of: "'") else { return nil }
        return String(text[key.upperBound..<end])
    }

    /// Decodes `data` (a whole `.npy` file) as elements of type `T`.
    public static func decode<T: NpyScalar>(_ data: Data, as _: T.Type, path: String) throws -> (shape: [Int], values: [T]) {
        let header = try parseHeader(data, path: path)
        guard header.descr == T.npyDescr || (T.npyDescr.hasPrefix("|") && header.descr.dropFirst() == T.npyDescr.dropFirst()) else {
            throw EventDataError.unsupportedDType(path: path, dtype: header.descr, expected: T.npyDescr)
        }
        let expected = header.count * MemoryLayout<T>.stride
        let actual = data.count - header.dataOffset
        guard actual == expected else {
            throw EventDataError.truncated(path: path, expectedBytes: expected, actualBytes: actual)
        }
        var values = [T](unsafeUninitializedCapacity: header.count) { buffer, initialized in
            data.withUnsafeBytes { raw in
                let source = UnsafeRawBufferPointer(rebasing: raw[header.dataOffset...])
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
            }
            initialized = header.count
        }
        if values.isEmpty { values = [] }
        return (header.shape, values)
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
