import Foundation
import GRDB

extension ProvenanceStore {
    /// Records that `run` used (`.input`) or produced (`.output`) the file at `path` (relative to
    /// the workspace, or absolute for a file outside it) with this SHA-256, and returns the artifact version's id.
    ///
    /// The version (path, sha256) is stored once: recording it again reuses the row (keeping its
    /// first kind and creation time) and only adds the edge. Recording the same edge twice is a
    /// no-op.
    public func recordArtifact(run: Int64, role: ArtifactRole, path: String, kind: ArtifactKind,
                               sha256: String, size: Int64) throws -> Int64 {
        try recordArtifacts(run: run, [ArtifactRecord(role: role, path: path, kind: kind, sha256: sha256, size: size)])[0]
    }

    /// Records several artifact uses of one run in a single transaction (all or none), e.g. all
    /// inputs before a step and all outputs after it; returns their ids in order. Same rules as
    /// `recordArtifact`.
    public func recordArtifacts(run: Int64, _ records: [ArtifactRecord]) throws -> [Int64] {
        let storePath = url.path
        let checked = try records.map { record -> ArtifactRecord in
            var record = record
            record.path = try canonicalPath(record.path)
            record.sha256 = try Self.validatedHash(record.sha256, artifactPath: record.path, store: storePath)
            return record
        }
        let what = checked.count == 1 ? "artifact '\(checked[0].path)'" : "\(checked.count) artifacts"
        return try perform("record \(what) of run \(run)") {
            try pool.write { db in
                try Self.requireRun(run, path: storePath, db)
                let now = StoredDate.now
                return try checked.map { record in
                    try db.cachedExecute("""
                        INSERT INTO artifacts (path, kind, size, sha256, created_at, created_by_run) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (path, sha256) DO NOTHING
                        """, [record.path, record.kind.rawValue, record.size, record.sha256, now, run])
                    // The row is either the one just inserted or the existing version.
                    guard let id = try db.cachedValue(Int64.self, "SELECT id FROM artifacts WHERE path = ? AND sha256 = ?", [record.path, record.sha256]) else {
                        throw ProvenanceError.database(path: storePath, operation: "record artifact '\(record.path)'",
                                                       reason: "the artifact row vanished after insertion")
                    }
                    try db.cachedExecute("""
                        INSERT INTO edges (run_id, artifact_id, role, recorded_at) VALUES (?, ?, ?, ?)
                        ON CONFLICT (run_id, role, artifact_id) DO NOTHING
                        """, [run, id, record.role.rawValue, now])
                    return id
                }
            }
        }
    }

    /// The version of `path` recorded most recently (by any run, as input or output), or nil if
    /// the path was never recorded.
    public func latestArtifact(path: String) throws -> ArtifactEntry? {
        let relative = try canonicalPath(path)
        return try perform("look up '\(relative)'") {
            try pool.read { db in try Self.latestArtifact(path: relative, db) }
        }
    }

    /// "Most recently recorded" is the version with the newest edge: a path may go back to an
    /// earlier content (a reverted configuration), whose row is older than the version it
    /// replaces.
    static func latestArtifact(path: String, _ db: Database) throws -> ArtifactEntry? {
        try db.cachedRow("""
            SELECT \(ArtifactEntry.columns("a")) FROM artifacts a JOIN edges e ON e.artifact_id = a.id
            WHERE a.path = ? ORDER BY e.id DESC LIMIT 1
            """, [path]).map(ArtifactEntry.init(row:))
    }

    /// An artifact path in its canonical spelling: relative to the workspace for files inside it
    /// ("./a//b" → "a/b", "<root>/a" → "a"), absolute for files outside it (a plugin binary in
    /// the build folder or on REFINERY_PLUGIN_PATH). ".." is refused so that one file has one
    /// spelling and no relative path leaves the workspace.
    func canonicalPath(_ path: String) throws -> String {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        guard !components.isEmpty, !components.contains("..") else {
            throw ProvenanceError.invalidArtifactPath(artifactPath: path, path: url.path)
        }
        let joined = components.joined(separator: "/")
        guard path.hasPrefix("/") else { return joined }
        let root = workspaceRoot.path.split(separator: "/").joined(separator: "/")
        if !root.isEmpty, joined.hasPrefix(root + "/") { return String(joined.dropFirst(root.count + 1)) }
        return "/" + joined
    }

    /// The file of a recorded artifact.
    func file(of artifact: ArtifactEntry, root: URL) -> URL {
        artifact.path.hasPrefix("/") ? URL(fileURLWithPath: artifact.path) : root.appendingPathComponent(artifact.path)
    }

    /// Lowercase 64-digit hexadecimal, so that equal hashes are equal strings.
    static func validatedHash(_ hash: String, artifactPath: String, store: String) throws -> String {
        let lowered = hash.lowercased()
        guard lowered.utf8.count == 64, lowered.utf8.allSatisfy(Self.isHexDigit) else {
            throw ProvenanceError.invalidHash(hash: hash, artifactPath: artifactPath, path: store)
        }
        return lowered
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "f"))
    }
}
