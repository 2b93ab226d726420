import Foundation

/// What `WorkspaceArchive.pack` wrote: the archive's identity, for the provenance store.
public struct PackResult: Sendable {
    public var archive: URL
    /// Size of the compressed archive in bytes.
    public var size: Int64
    /// Lowercase hex SHA-256 of the archive file, computed while writing it.
    public var sha256: String
    /// The manifest stored as the archive's first member.
    public var manifest: ArchiveManifest
}
