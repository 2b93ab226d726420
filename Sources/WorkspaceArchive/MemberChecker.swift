/// Admits archive entries one at a time against the manifest: the checks `verify` and
/// `unpack` share, applied before any of an entry's data is read.
struct MemberChecker {
    private let expected: [String: ArchiveManifest.Member]
    private var seen = Set<String>()

    init(manifest: ArchiveManifest) {
        expected = Dictionary(uniqueKeysWithValues: manifest.members.map { ($0.path, $0) })
    }

    /// The manifest entry for `header`, or why the entry is refused. Checks run from the most
    /// to the least dangerous, so an entry is reported for its worst fault.
    mutating func admit(_ header: ArchiveReader.Header) -> Result<ArchiveManifest.Member, MemberProblem> {
        guard let path = header.path else { return .failure(.unsafe(.invalidUTF8)) }
        // A second manifest is a duplicate, not merely a reserved name.
        if path == ArchiveManifest.fileName { return .failure(.duplicate) }
        // Escapes first, then the entry type, then the lesser path faults: a directory entry
        // `sub/` is reported as a directory, not for its trailing slash.
        let pathProblem = MemberPath.problem(path)
        if let problem = pathProblem, problem == .absolutePath || problem == .parentComponent {
            return .failure(.unsafe(problem))
        }
        if let problem = Self.typeProblem(header.type) { return .failure(.unsafe(problem)) }
        if let problem = pathProblem { return .failure(.unsafe(problem)) }
        guard seen.insert(path).inserted else { return .failure(.duplicate) }
        guard let member = expected[path] else { return .failure(.notInManifest) }
        if let size = header.size, size != member.size {
            return .failure(.sizeMismatch(expected: member.size, actual: size))
        }
        return .success(member)
    }

    /// Manifest members not seen so far, sorted: after the last entry, the missing ones.
    var unseen: [ArchiveManifest.Member] {
        expected.values.filter { !seen.contains($0.path) }.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    /// Every link is refused, not only those resolving outside the target: Refinery never
    /// writes links, so one can only come from a foreign or tampered archive, and checking
    /// where a link resolves is a classic source of escapes (a link to a link, a later member
    /// written through an earlier link).
    private static func typeProblem(_ type: ArchiveReader.EntryType) -> UnsafeReason? {
        switch type {
        case .regular: return nil
        case .directory: return .directory
        case let .symlink(target): return .symlink(target: target)
        case let .hardlink(target): return .hardlink(target: target)
        case .characterDevice: return .characterDevice
        case .blockDevice: return .blockDevice
        case .fifo: return .fifo
        case .socket: return .socket
        case let .unknown(mode): return .unknownType(mode: mode)
        }
    }
}
