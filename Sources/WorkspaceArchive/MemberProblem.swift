/// Why one archive member does not match the manifest or cannot be unpacked safely.
public enum MemberProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// The entry could write outside the target or is not a plain file: see `UnsafeReason`.
    case unsafe(UnsafeReason)
    /// A second entry with the same path: extracting both would silently keep only one.
    case duplicate
    /// The entry is not listed among the manifest's members.
    case notInManifest
    /// The entry's size differs from the manifest's.
    case sizeMismatch(expected: Int64, actual: Int64)
    /// The entry's SHA-256 differs from the manifest's.
    case hashMismatch(expected: String, actual: String)
    /// libarchive could not read the entry's data (truncated or corrupt stream).
    case unreadable(String)

    public var description: String {
        switch self {
        case let .unsafe(reason): return reason.description
        case .duplicate: return "it appears more than once in the archive"
        case .notInManifest: return "it is not listed in the archive's manifest"
        case let .sizeMismatch(expected, actual):
            return "its size is \(actual) bytes but the manifest records \(expected)"
        case let .hashMismatch(expected, actual):
            return "its SHA-256 is \(actual.prefix(16))… but the manifest records \(expected.prefix(16))… (the content was altered)"
        case let .unreadable(message): return "its data cannot be read: \(message)"
        }
    }
}

/// Entries refused outright because extracting them could escape the target directory or
/// create something other than a plain file.
public enum UnsafeReason: Equatable, Sendable, CustomStringConvertible {
    case empty
    case absolutePath
    /// A `..` component: the classic "zip slip" escape.
    case parentComponent
    /// An empty or `.` component (`a//b`, `./a`, `a/`): not the canonical form Refinery
    /// writes, and it would defeat duplicate detection.
    case nonCanonical
    case invalidUTF8
    /// Names Refinery itself uses during unpacking (the manifest, the staging directory).
    case reserved
    case symlink(target: String)
    case hardlink(target: String)
    case directory
    case characterDevice
    case blockDevice
    case fifo
    case socket
    case unknownType(mode: UInt32)

    public var description: String {
        switch self {
        case .empty: return "its path is empty"
        case .absolutePath: return "its path is absolute"
        case .parentComponent: return "its path contains a '..' component"
        case .nonCanonical: return "its path contains an empty or '.' component"
        case .invalidUTF8: return "its path is not valid UTF-8"
        case .reserved: return "its path is reserved for Refinery's own use"
        case let .symlink(target): return "it is a symbolic link (to '\(target)'); archives hold plain files only"
        case let .hardlink(target): return "it is a hard link (to '\(target)'); archives hold plain files only"
        case .directory: return "it is a directory entry; archives hold plain files only"
        case .characterDevice: return "it is a character device"
        case .blockDevice: return "it is a block device"
        case .fifo: return "it is a FIFO"
        case .socket: return "it is a socket"
        case let .unknownType(mode): return "it has unknown file type 0o\(String(mode, radix: 8))"
        }
    }
}
