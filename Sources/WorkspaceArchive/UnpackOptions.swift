/// How `WorkspaceArchive.unpack` treats the target directory.
public struct UnpackOptions: Sendable {
    /// The most bytes unpacking may write; the archive is refused as soon as its members would
    /// exceed it (counted while reading, not taken on trust from headers or the manifest).
    public var maxTotalBytes: Int64
    /// Unpack into a non-empty directory and replace files that exist there.
    public var force: Bool

    /// 64 GiB: far above any real workspace, far below a full disk.
    public static let defaultMaxTotalBytes: Int64 = 64 << 30

    public init(maxTotalBytes: Int64 = defaultMaxTotalBytes, force: Bool = false) {
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
