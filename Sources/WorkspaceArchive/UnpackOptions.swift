import Foundation

/// How `WorkspaceArchive.unpack` treats the target directory.
public struct UnpackOptions: Sendable {
    /// The most bytes unpacking may write; nil for `defaultLimit(archiveSize:)`. The archive is
    /// refused as soon as its manifest promises more, and again while reading as soon as its
    /// members would exceed it (counted as decompressed, not taken on trust).
    public var maxTotalBytes: Int64?
    /// Unpack into a non-empty directory and replace files that exist there.
    public var force: Bool
    /// Called for every member once it is staged, hashed and matches the manifest, before
    /// anything is placed in the target: a refusal (a throw) leaves the target untouched. It
    /// may rewrite the staged file in place (e.g. a provenance store copied into clean form),
    /// and it must not read or write anything else.
    public var vetStagedMember: (@Sendable (_ member: ArchiveManifest.Member, _ staged: URL) throws -> Void)?

    /// How many times the archive's size unpacking may write by default. zstd compresses the
    /// float arrays of a workspace 1.1–1.5×, its JSON, SVG and SQLite 3–10×; no honest
    /// workspace archive comes near 32×, while a decompression bomb (zstd reaches 10⁴×) is cut
    /// off at 32 times the disk space its download took.
    public static let defaultExpansionFactor: Int64 = 32
    /// Small archives may expand to at least this much (1 GiB), so that the factor never bites
    /// on a tiny but highly compressible workspace.
    public static let minimumDefaultLimit: Int64 = 1 << 30

    /// The default limit for an archive of `archiveSize` bytes:
    /// max(1 GiB, 32 × archiveSize), saturating at `Int64.max`.
    public static func defaultLimit(archiveSize: Int64) -> Int64 {
        let (scaled, overflow) = max(archiveSize, 0).multipliedReportingOverflow(by: defaultExpansionFactor)
        return max(minimumDefaultLimit, overflow ? Int64.max : scaled)
    }

    /// The limit that applies to the archive at `url`: the explicit one, or the default for
    /// the archive's size on disk.
    func limit(for url: URL) throws -> Int64 {
        if let maxTotalBytes { return maxTotalBytes }
        let size: Int64
        do {
            size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0
        } catch {
            throw WorkspaceArchiveError.io(path: url.path, reason: "cannot read its size: \(error.localizedDescription)")
        }
        return Self.defaultLimit(archiveSize: size)
    }

    public init(maxTotalBytes: Int64? = nil, force: Bool = false) {
        self.maxTotalBytes = maxTotalBytes
        self.force = force
    }
}

/// What `WorkspaceArchive.unpack` wrote.
public struct UnpackReport: Sendable {
    /// The directory the workspace was unpacked into.
    public var directory: String
    public var manifest: ArchiveManifest
    /// Member paths written, in archive order.
    public var files: [String]
    /// Bytes written.
    public var totalBytes: Int64
}
