import EventData
import Foundation
import Provenance

/// A file and its content identity, computed once and passed along: a step's runner hashes
/// each input once before the work and once after it (to detect a change underneath), and
/// everything in between (identity keys, records, manifests) uses this value.
public struct HashedFile: Sendable, Equatable {
    public let url: URL
    public let kind: ArtifactKind
    public let size: Int64
    public let sha256: String

    public init(url: URL, kind: ArtifactKind, size: Int64, sha256: String) {
        self.url = url
        self.kind = kind
        self.size = size
        self.sha256 = sha256
    }

    /// Hashes the file at `url` (one read of the whole file).
    public static func of(_ url: URL, kind: ArtifactKind) throws -> HashedFile {
        HashedFile(url: url, kind: kind, size: fileSize(url), sha256: try FileHash.sha256(file: url))
    }

    /// A file whose bytes the caller has in memory (just written): no second read.
    public static func written(_ data: Data, to url: URL, kind: ArtifactKind) -> HashedFile {
        HashedFile(url: url, kind: kind, size: Int64(data.count), sha256: FileHash.sha256(data))
    }

    /// Writes `data` atomically to `url` and returns it hashed from memory.
    public static func write(_ data: Data, to url: URL, kind: ArtifactKind) throws -> HashedFile {
        try AtomicFile.write(data, to: url)
        return written(data, to: url, kind: kind)
    }

    /// Whether the file still has the recorded content (one more read).
    public func isUnchanged() throws -> Bool {
        guard FileManager.default.fileExists(atPath: url.path) else { return false }
        return try FileHash.sha256(file: url) == sha256
    }

    static func fileSize(_ url: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber)?.int64Value ?? 0
    }
}

/// The files of a data set folder (manifest and columns), as recorded: sorted by name, hidden
/// (temporary) files skipped.
public enum DataSetFiles {
    public static func urls(_ folder: URL) -> [URL] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        return names.map { folder.appendingPathComponent($0) }
    }

    /// Every file hashed once.
    public static func hashed(_ folder: URL, kind: ArtifactKind) throws -> [HashedFile] {
        try urls(folder).map { try HashedFile.of($0, kind: kind) }
    }
}

extension WorkspaceLayout {
    /// Writes `data` atomically to `url`, first checked to resolve inside the workspace
    /// (`inside`: no link planted in a workspace redirects a write), and returns it hashed
    /// from memory. Every output a step writes into the workspace goes through here or through
    /// `SurrogateCommit`.
    public func write(_ data: Data, to url: URL, kind: ArtifactKind) throws -> HashedFile {
        try HashedFile.write(data, to: inside(url), kind: kind)
    }
}
