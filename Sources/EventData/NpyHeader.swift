import Foundation

extension NpyFile {
    /// The largest header accepted. numpy itself refuses headers over 10 000 bytes unless told
    /// otherwise; a length field claiming more is a damaged or hostile file, and the header is
    /// parsed in memory.
    public static let maximumHeaderLength = 1 << 20

    /// Parsed and validated header: element type, memory order, shape and where the data starts.
    ///
    /// Every shape entry is ≥ 0 and their product times the item size fits in `Int`, so `count`
    /// and `dataBytes` can be used without further checks.
    public struct Header: Equatable, Sendable {
        public var descr: String
        public var dtype: NpyDType
        public var fortranOrder: Bool
        public var shape: [Int]
        public var dataOffset: Int
        /// Number of elements: the product of `shape`.
        public var count: Int
        /// Bytes of data the header promises: `count × itemSize`.
        public var dataBytes: Int
    }

    /// Parses the header of `data` read from `path` (used only in messages). Checks the magic,
    /// the header length against the data, the dict's keys and types, the dtype, and that the
    /// shape's product and byte size do not overflow. Never traps on any input.
    public static func parseHeader(_ data: Data, path: String) throws -> Header {
        func fail(_ reason: String) -> EventDataError { .notNpy(path: path, reason: reason) }
        guard data.count >= 10, Array(data.prefix(6)) == magic else { throw fail("missing the \\x93NUMPY magic") }
        let bytes = { (offset: Int) in Int(data[data.startIndex + offset]) }
        let major = bytes(6)
        let headerLength: Int
        let start: Int
        switch major {
        case 1:
            headerLength = bytes(8) | bytes(9) << 8
            start = 10
        case 2, 3:
            guard data.count >= 12 else { throw fail("header cut short: the file has \(data.count) bytes") }
            headerLength = (0..<4).reduce(0) { $0 | bytes(8 + $1) << (8 * $1) }
            start = 12
        default:
            throw fail("unknown format version \(major); this reader knows versions 1, 2 and 3")
        }
        guard headerLength <= maximumHeaderLength else {
            throw fail("header length \(headerLength) bytes exceeds the limit of \(maximumHeaderLength)")
        }
        guard data.count - start >= headerLength else {
            throw fail("header cut short: it claims \(headerLength) bytes, the file has \(data.count - start) after the preamble")
        }
        let headerBytes = data.subdata(in: data.startIndex + start ..< data.startIndex + start + headerLength)
        // Version 1 and 2 headers are latin-1, version 3 UTF-8; a valid header is ASCII either way.
        guard headerBytes.allSatisfy({ $0 < 0x80 }) else { throw fail("header is not ASCII text") }
        let dict = try HeaderDict.parse(String(decoding: headerBytes, as: UTF8.self), fail: fail)

        guard let descr = dict.descr else { throw fail("header has no 'descr'") }
        guard let dtype = NpyDType(descr) else {
            throw fail("dtype '\(descr)' is not supported; use one of float32/float64 ('<f4', '>f8', …), int8–int64, uint8–uint64 or bool")
        }
        guard let fortranOrder = dict.fortranOrder else { throw fail("header has no 'fortran_order'") }
        guard let shape = dict.shape else { throw fail("header has no 'shape'") }
        var count = 1
        for (axis, length) in shape.enumerated() {
            guard length >= 0 else { throw fail("shape \(shapeText(shape)) has negative length \(length) on axis \(axis)") }
            let (product, overflow) = count.multipliedReportingOverflow(by: length)
            guard !overflow else { throw fail("shape \(shapeText(shape)) has more elements than fit in 64 bits") }
            count = product
        }
        let (dataBytes, overflow) = count.multipliedReportingOverflow(by: dtype.itemSize)
        guard !overflow else {
            throw fail("shape \(shapeText(shape)) of \(descr) needs more bytes than fit in 64 bits")
        }
        return Header(descr: descr, dtype: dtype, fortranOrder: fortranOrder, shape: shape,
                      dataOffset: start + headerLength, count: count, dataBytes: dataBytes)
    }

    /// A shape the way numpy prints it: `(3,)`, `(2, 5)`.
    static func shapeText(_ shape: [Int]) -> String {
        shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    }
}

/// The header's Python dict literal, e.g. `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }`,
/// parsed by a strict tokenizer rather than by searching for substrings, so that a value cannot
/// be smuggled into a key or a second `'shape'` hidden in a string.
struct HeaderDict {
    var descr: String?
    var fortranOrder: Bool?
    var shape: [Int]?

    static func parse(_ text: String, fail: (String) -> EventDataError) throws -> HeaderDict {
        var scanner = Scanner(Array(text.utf8))
        var dict = HeaderDict()
        try scanner.expect(UInt8(ascii: "{"), fail: fail)
        while true {
            scanner.skipSpace()
            if scanner.take(UInt8(ascii: "}")) { break }
            guard let key = try scanner.string(fail: fail) else { throw fail("header dict has a key that is not a string") }
            try scanner.expect(UInt8(ascii: ":"), fail: fail)
            scanner.skipSpace()
            switch key {
            case "descr":
                guard dict.descr == nil else { throw fail("header names 'descr' twice") }
                guard let value = try scanner.string(fail: fail) else {
                    throw fail("'descr' is not a plain dtype string; structured (record) arrays are not supported")
                }
                dict.descr = value
            case "fortran_order":
                guard dict.fortranOrder == nil else { throw fail("header names 'fortran_order' twice") }
                if scanner.take(word: "True") { dict.fortranOrder = true }
                else if scanner.take(word: "False") { dict.fortranOrder = false }
                else { throw fail("'fortran_order' is neither True nor False") }
            case "shape":
                guard dict.shape == nil else { throw fail("header names 'shape' twice") }
                dict.shape = try scanner.integerTuple(fail: fail)
            default:
                throw fail("header has the unknown key '\(key)'")
            }
            scanner.skipSpace()
            if scanner.take(UInt8(ascii: ",")) { continue }
            try scanner.expect(UInt8(ascii: "}"), fail: fail)
            break
        }
        scanner.skipSpace()
        guard scanner.atEnd else { throw fail("header has text after the dict") }
        return dict
    }

    struct Scanner {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x09, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func take(word: String) -> Bool {
            let word = Array(word.utf8)
            guard bytes.count - index >= word.count, Array(bytes[index..<index + word.count]) == word else { return false }
            index += word.count
            return true
        }

        mutating func expect(_ byte: UInt8, fail: (String) -> EventDataError) throws {
            guard take(byte) else { throw fail("header dict is malformed: expected '\(Character(Unicode.Scalar(byte)))' at byte \(index)") }
        }

        /// A quoted string without escapes (numpy never writes any), or nil if none starts here.
        mutating func string(fail: (String) -> EventDataError) throws -> String? {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "'") || bytes[index] == UInt8(ascii: "\"") else { return nil }
            let quote = bytes[index]
            let start = index + 1
            guard let end = bytes[start...].firstIndex(of: quote) else { throw fail("header has an unterminated string") }
            index = end + 1
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }

        /// `()`, `(3,)`, `(2, 3)`; entries may be negative (refused later, with the shape shown)
        /// and may carry Python 2's `L` suffix. An entry beyond 64 bits is refused here.
        mutating func integerTuple(fail: (String) -> EventDataError) throws -> [Int] {
            guard take(UInt8(ascii: "(")) else { throw fail("'shape' is not a tuple") }
            var values: [Int] = []
            while true {
                skipSpace()
                if take(UInt8(ascii: ")")) { return values }
                guard !atEnd else { throw fail("'shape' tuple is malformed: it is not closed") }
                let start = index
                if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
                while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
                let digits = String(decoding: bytes[start..<index], as: UTF8.self)
                if index < bytes.count, bytes[index] == UInt8(ascii: "L") { index += 1 }
                guard !digits.isEmpty, digits != "-" else { throw fail("'shape' has an entry that is not an integer") }
                guard let value = Int(digits) else { throw fail("'shape' entry \(digits) does not fit in 64 bits") }
                values.append(value)
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: ")")) else { throw fail("'shape' tuple is malformed") }
                return values
            }
        }
    }
}
