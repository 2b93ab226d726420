/// A NumPy `descr` of a plain (non-structured) scalar type: byte order, kind and item size,
/// e.g. `<f8`, `>f4`, `|u1`.
public struct NpyDType: Equatable, Sendable, CustomStringConvertible {
    public enum ByteOrder: Equatable, Sendable { case little, big, notApplicable }

    public var byteOrder: ByteOrder
    /// `f` float, `i` signed integer, `u` unsigned integer, `b` boolean.
    public var kind: Character
    public var itemSize: Int

    /// The kinds and sizes a reader can be asked for; anything else (complex, strings, objects,
    /// datetimes, half floats) is refused by name before any data is looked at.
    static let supported: [Character: Set<Int>] = ["f": [4, 8], "i": [1, 2, 4, 8], "u": [1, 2, 4, 8], "b": [1]]

    /// Parses `descr`; nil for anything that is not `[<>|=]kind size`.
    public init?(_ descr: String) {
        let characters = Array(descr)
        guard characters.count >= 3, characters.count <= 4 else { return nil }
        switch characters[0] {
        case "<": byteOrder = .little
        case ">": byteOrder = .big
        case "|": byteOrder = .notApplicable
        // '=' is the writer's native order; numpy only writes it on the machine that wrote it,
        // and every platform Refinery runs on is little-endian.
        case "=": byteOrder = .little
        default: return nil
        }
        kind = characters[1]
        guard let size = Int(String(characters[2...])), Self.supported[kind]?.contains(size) == true else { return nil }
        itemSize = size
        // One-byte types have no byte order; numpy writes '|' for them.
        if size == 1 { byteOrder = .notApplicable }
        else if byteOrder == .notApplicable { return nil }
    }

    public var description: String {
        let order: Character = byteOrder == .big ? ">" : byteOrder == .little ? "<" : "|"
        return "\(order)\(kind)\(itemSize)"
    }

    /// Whether the bytes must be reversed per element to be read natively (little-endian).
    var needsByteSwap: Bool { byteOrder == .big && itemSize > 1 }

    /// Same kind and size, ignoring byte order.
    func sameType(as other: NpyDType) -> Bool { kind == other.kind && itemSize == other.itemSize }
}
