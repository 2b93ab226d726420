import Foundation

/// Workspace archives: a deterministic tar (zstd or gzip) whose first member,
/// `refinery-archive.json`, lists every other member with its size and SHA-256.
/// See docs/archives.md for the format and the safety rules.
///
/// The module knows files and kinds, not workspaces: the caller decides what to pack.
public enum WorkspaceArchive {
    /// Packs `request` into `output` (replaced atomically if it exists). The same inputs give
    /// a byte-identical archive, wherever the workspace lives.
    public static func pack(_ request: PackRequest, to output: URL) throws -> PackResult {
        try Packer.pack(request, to: output)
    }

    /// Checks every member of `archive` against its manifest without writing to disk.
    /// Throws only when the archive or its manifest cannot be read at all; member problems
    /// are in the report, whose `passed` is the verdict.
    public static func verify(_ archive: URL) throws -> VerifyReport {
        try Verifier.verify(archive)
    }

    /// Extracts `archive` into `directory` (new or empty unless `options.force`), refusing,
    /// with the member named, anything unsafe or not matching the manifest.
    public static func unpack(_ archive: URL, into directory: URL, options: UnpackOptions = UnpackOptions()) throws -> UnpackReport {
        try Unpacker.unpack(archive, into: directory, options: options)
    }

    /// The manifest of `archive`, read from its first member without decompressing the rest.
    public static func readManifest(_ archive: URL) throws -> ArchiveManifest {
        try ManifestedArchive(url: archive).manifest
    }
}
