import EventData
import Foundation

/// The manifest `refinery-archive.json`, schema `refinery-archive` version 1: the first
/// member of every workspace archive, listing every other member with its size and SHA-256.
///
/// It is written first so `verify`, `unpack` and `readManifest` know what to expect before
/// reading any other member: `readManifest` decompresses only the archive's head, and unpack
/// refuses an unexpected member before writing a byte of it.
public struct ArchiveManifest: Codable, Equatable, Sendable {
    public static let format = "refinery-archive"
    public static let currentVersion = 1
    public static let fileName = "refinery-archive.json"
    /// Larger manifests are refused unread: the manifest is held in memory.
    static let maximumBytes: Int64 = 64 << 20

    /// A file stored in the archive.
    public struct Member: Codable, Equatable, Sendable {
        /// Relative, `/`-separated path inside the archive and the unpacked workspace.
        public var path: String
        /// What the file is to the workspace: "configuration", "surrogate", "plot", "provenance",
        /// "plugin", "sample", "synthetic", "report", …
        public var kind: String
        /// Size in bytes.
        public var size: Int64
        /// Lowercase hex SHA-256 of the content.
        public var sha256: String
        /// Stored with mode 0755 (plugin binaries) rather than 0644.
        public var executable: Bool

        public init(path: String, kind: String, size: Int64, sha256: String, executable: Bool) {
            self.path = path
            self.kind = kind
            self.size = size
            self.sha256 = sha256
            self.executable = executable
        }
    }

    /// A file left out of the archive (`pack --without-data`) whose identity is still recorded,
    /// so a regenerated copy can be checked against it.
    public struct Omitted: Codable, Equatable, Sendable {
        public var path: String
        public var kind: String
        public var size: Int64
        public var sha256: String

        public init(path: String, kind: String, size: Int64, sha256: String) {
            self.path = path
            self.kind = kind
            self.size = size
            self.sha256 = sha256
        }
    }

    public var format: String
    public var version: Int
    /// Version and build commit of the Refinery that packed the archive.
    public var hostVersion: String
    public var hostCommit: String
    /// The workspace's identity keys (configuration hash, seeds, …), as the caller defines them.
    public var identityKeys: [String: String]
    /// Members in archive order: sorted by path.
    public var members: [Member]
    public var omitted: [Omitted]
    /// Free-form facts the caller wants recorded (e.g. the pack command line).
    public var extra: [String: String]

    /// Total bytes of the stored members: what unpacking writes. Saturates rather than traps
    /// (a decoded manifest's sizes are checked to add up without overflow).
    public var totalSize: Int64 {
        members.reduce(0) { total, member in
            let (sum, overflow) = total.addingReportingOverflow(member.size)
            return overflow ? Int64.max : sum
        }
    }

    /// The manifest's canonical bytes: sorted keys, pretty printed, so equal manifests give
    /// equal archives.
    func encoded() throws -> Data {
        try JSONEncoder.refinery.encode(self)
    }

    /// Decodes and validates manifest bytes read from `archivePath`. The format and version
    /// are checked before the rest of the schema, so a future version is refused as such
    /// rather than as malformed JSON.
    static func decode(_ data: Data, archivePath: String) throws -> ArchiveManifest {
        struct Header: Decodable { var format: String?; var version: Int? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw WorkspaceArchiveError.notARefineryArchive(path: archivePath, reason: "\(fileName) is not a JSON object")
        }
        guard header.format == format else {
            throw WorkspaceArchiveError.notARefineryArchive(
                path: archivePath, reason: "\(fileName) declares format '\(header.format ?? "none")', expected '\(format)'")
        }
        guard let version = header.version else {
            throw WorkspaceArchiveError.invalidManifest(path: archivePath, reason: "no 'version' field")
        }
        guard version == currentVersion else {
            throw WorkspaceArchiveError.unsupportedManifestVersion(path: archivePath, found: version, supported: currentVersion)
        }
        let manifest: ArchiveManifest
        do {
            manifest = try JSONDecoder().decode(ArchiveManifest.self, from: data)
        } catch {
            throw WorkspaceArchiveError.invalidManifest(path: archivePath, reason: String(describing: error))
        }
        try manifest.validate(archivePath: archivePath)
        return manifest
    }

    /// Checks the invariants `pack` guarantees: valid unique paths, hex hashes, sane sizes.
    func validate(archivePath: String) throws {
        func fail(_ reason: String) -> WorkspaceArchiveError {
            .invalidManifest(path: archivePath, reason: reason)
        }
        // Sizes are summed here once, overflow-checked: a member of 2⁶³−1 bytes next to any
        // other used to trap in the limit check of `unpack` before it could refuse.
        var total: Int64 = 0
        for (path, size) in members.map({ ($0.path, $0.size) }) + omitted.map({ ($0.path, $0.size) }) {
            let (sum, overflow) = total.addingReportingOverflow(max(size, 0))
            guard !overflow else { throw fail("entry '\(path)' takes the sizes beyond 2⁶³−1 bytes in total") }
            total = sum
        }
        var seen = Set<String>()
        let entries = members.map { ($0.path, $0.size, $0.sha256) } + omitted.map { ($0.path, $0.size, $0.sha256) }
        for (path, size, sha256) in entries {
            if let problem = MemberPath.problem(path) { throw fail("entry '\(path)': \(problem)") }
            guard seen.insert(path).inserted else { throw fail("entry '\(path)' is listed twice") }
            guard size >= 0 else { throw fail("entry '\(path)' has negative size \(size)") }
            guard sha256.utf8.count == 64, sha256.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
                throw fail("entry '\(path)' has SHA-256 '\(sha256)', expected 64 lowercase hex digits")
            }
        }
        if let (file, descendant) = MemberPath.firstConflict(in: seen.sorted()) {
            throw fail("'\(file)' is a file but '\(descendant)' needs it to be a directory")
        }
    }
}
