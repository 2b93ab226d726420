import Foundation

/// What to put into a workspace archive. The caller (the `refinery pack` command) chooses the
/// members; this module knows nothing of workspaces beyond files and their kinds.
public struct PackRequest: Sendable {
    /// A file to store.
    public struct Member: Sendable {
        /// Relative, `/`-separated path inside the archive (see `MemberPath` for the rules).
        public var path: String
        /// Where to read the content; nil means `root/path`.
        public var source: URL?
        /// What the file is to the workspace ("configuration", "surrogate", "plugin", …).
        public var kind: String
        /// Stored with mode 0755 rather than 0644. Defaults to true for plugin binaries only:
        /// taking it from the file system would make the archive depend on how the workspace
        /// was copied.
        public var executable: Bool

        public init(path: String, source: URL? = nil, kind: String, executable: Bool? = nil) {
            self.path = path
            self.source = source
            self.kind = kind
            self.executable = executable ?? (kind == "plugin")
        }
    }

    /// How the tar stream is compressed. Level and threads are part of the archive's identity:
    /// the same files packed with other settings give other bytes.
    public struct Compression: Sendable, Equatable {
        public enum Algorithm: String, Sendable, Codable {
            case zstd
            case gzip
        }

        public var algorithm: Algorithm
        public var level: Int
        /// zstd worker threads (libarchive's `zstd:threads`); 0 compresses on the calling
        /// thread. zstd's output is the same for every worker count ≥ 1 but differs from 0.
        public var threads: Int

        public init(algorithm: Algorithm, level: Int, threads: Int = 0) {
            self.algorithm = algorithm
            self.level = level
            self.threads = algorithm == .zstd ? threads : 0
        }

        /// zstd level 3 (the zstd command's default, as `tar --zstd` uses), compressing on the
        /// packing thread while a second thread reads and hashes: libarchive's zstd workers
        /// measured no faster than that on two cores (docs/archives.md, "Performance").
        public static let zstd = Compression(algorithm: .zstd, level: 3, threads: 0)
        /// gzip level 6 (gzip's default), no timestamp or name in the header.
        public static let gzip = Compression(algorithm: .gzip, level: 6)

        /// The conventional file extension: `.tar.zst` or `.tar.gz`.
        public var fileExtension: String { algorithm == .zstd ? "tar.zst" : "tar.gz" }
    }

    /// The workspace directory; member sources without an explicit URL are relative to it.
    public var root: URL
    public var members: [Member]
    /// Files recorded in the manifest but not stored (`--without-data`).
    public var omitted: [ArchiveManifest.Omitted]
    public var compression: Compression
    public var hostVersion: String
    public var hostCommit: String
    public var identityKeys: [String: String]
    public var extra: [String: String]

    public init(root: URL, members: [Member], omitted: [ArchiveManifest.Omitted] = [],
                compression: Compression = .zstd, hostVersion: String, hostCommit: String,
                identityKeys: [String: String] = [:], extra: [String: String] = [:]) {
        self.root = root
        self.members = members
        self.omitted = omitted
        self.compression = compression
        self.hostVersion = hostVersion
        self.hostCommit = hostCommit
        self.identityKeys = identityKeys
        self.extra = extra
    }

    /// The file a member's content is read from.
    func source(of member: Member) -> URL {
        member.source ?? root.appendingPathComponent(member.path)
    }
}
