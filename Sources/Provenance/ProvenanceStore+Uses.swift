import Foundation
import GRDB

/// Lineage run forward: everything made from an artifact version, and the steps to replay.
extension ProvenanceStore {
    /// One run that used the artifact (directly or through what was made from it).
    public struct Use: Codable, Sendable, Equatable {
        public var run: RunEntry
        /// The artifact versions it used that descend from the queried one (or are it).
        public var used: [ArtifactEntry]
        public var outputs: [ArtifactEntry]
        public var surrogates: [SurrogateEntry]
    }

    /// What was made from an artifact: before replacing a sample or a plugin binary, which
    /// surrogates, limits and archives used it. `query` is resolved like `lineage(of:)`.
    public struct Uses: Codable, Sendable, Equatable {
        public var artifact: ArtifactEntry
        /// Runs in the order they ran, each once.
        public var uses: [Use]
    }

    public func uses(of query: String) throws -> Uses {
        let storePath = url.path
        let path = try? canonicalPath(query.trimmingCharacters(in: .whitespaces))
        return try perform("list what was made from '\(query)'") {
            try pool.read { db in
                let start = try Self.resolveArtifact(query, path: path, store: storePath, db)
                var reached: Set<Int64> = [start.id]
                var frontier: [Int64] = [start.id]
                var used: [Int64: [ArtifactEntry]] = [:]
                var artifacts: [Int64: ArtifactEntry] = [start.id: start]
                // Breadth first over input edges: an artifact's consumers, their outputs, theirs.
                while let next = frontier.popLast() {
                    let runs = try Int64.fetchAll(db, sql: "SELECT run_id FROM edges WHERE artifact_id = ? AND role = 'input' ORDER BY run_id",
                                                  arguments: [next])
                    for run in runs {
                        if used[run] == nil { used[run] = [] }
                        if let artifact = artifacts[next], !(used[run]!.contains { $0.id == artifact.id }) { used[run]!.append(artifact) }
                        for output in try Self.artifacts(of: run, role: .output, db) where reached.insert(output.id).inserted {
                            artifacts[output.id] = output
                            frontier.append(output.id)
                        }
                    }
                }
                let result = try used.keys.sorted().map { id -> Use in
                    let row = try db.cachedRow("SELECT \(RunEntry.columns) FROM runs WHERE id = ?", [id])!
                    let surrogates = try db.cachedRows("SELECT \(SurrogateEntry.columns) FROM surrogates WHERE run_id = ? ORDER BY id", [id])
                        .map(SurrogateEntry.init(row:))
                    return Use(run: try RunEntry(row: row), used: used[id]!, outputs: try Self.artifacts(of: id, role: .output, db),
                               surrogates: surrogates)
                }
                return Uses(artifact: start, uses: result)
            }
        }
    }

    /// Every workspace-relative path a run recorded, with the kind of its latest version
    /// (sorted by path): what an archive must carry for its steps to be replayed.
    public func recordedPaths() throws -> [(path: String, kind: ArtifactKind)] {
        try perform("list the recorded files") {
            try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT a.path, a.kind FROM artifacts a
                    WHERE a.path NOT LIKE '/%' AND a.path NOT LIKE '.%' AND a.path NOT LIKE '%/.%'
                      AND a.id = (SELECT MAX(b.id) FROM artifacts b WHERE b.path = a.path)
                    ORDER BY a.path
                    """)
                    .compactMap { row in ArtifactKind(rawValue: row["kind"]).map { (row["path"], $0) } }
            }
        }
    }

    /// The replayable steps (runs with a recorded `replay` that succeeded) that last produced
    /// each of `files` (path, SHA-256), each once, in the order they ran. `reproduce` replays
    /// exactly these.
    public func replayableRuns(producing files: [(path: String, sha256: String)]) throws -> [RunEntry] {
        try perform("find the steps that made the archived files") {
            try pool.read { db in
                var ids: Set<Int64> = []
                for (path, sha256) in files {
                    if let id = try Int64.fetchOne(db, sql: """
                        SELECT e.run_id FROM edges e JOIN artifacts a ON a.id = e.artifact_id JOIN runs r ON r.id = e.run_id
                        WHERE a.path = ? AND a.sha256 = ? AND e.role = 'output' AND r.replay IS NOT NULL AND r.status = 'succeeded'
                        ORDER BY e.run_id DESC LIMIT 1
                        """, arguments: [path, sha256.lowercased()]) {
                        ids.insert(id)
                    }
                }
                return try ids.sorted().map { id in
                    try RunEntry(row: try db.cachedRow("SELECT \(RunEntry.columns) FROM runs WHERE id = ?", [id])!)
                }
            }
        }
    }
}
