import Foundation
import GRDB

extension ProvenanceStore {
    /// The tree of an artifact version back through the runs that produced it to their inputs,
    /// recursively, down to the roots (artifacts no recorded run produced: the nominal sample's
    /// configuration, plugin binaries, configuration files).
    ///
    /// `query` is a recorded path (its latest version is traced) or a prefix of at least 4 hex
    /// digits of a SHA-256. A prefix matching several artifacts throws `ambiguousHashPrefix`
    /// listing them. The whole tree is read in one transaction, so it is consistent even while
    /// other processes write.
    public func lineage(of query: String) throws -> LineageNode {
        let storePath = url.path
        let path = try? canonicalPath(query.trimmingCharacters(in: .whitespaces))
        return try perform("trace the lineage of '\(query)'") {
            try pool.read { db in
                let start = try Self.resolveArtifact(query, path: path, store: storePath, db)
                var builder = LineageBuilder(db: db)
                return try builder.node(for: start)
            }
        }
    }

    /// A path's latest version, else the single artifact whose SHA-256 starts with `query`.
    static func resolveArtifact(_ query: String, path: String?, store: String, _ db: Database) throws -> ArtifactEntry {
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        if let path, let artifact = try latestArtifact(path: path, db) {
            return artifact
        }
        let prefix = trimmed.lowercased()
        guard prefix.utf8.count >= 4, prefix.utf8.count <= 64, prefix.utf8.allSatisfy(isHexDigit) else {
            throw ProvenanceError.unknownArtifact(query: query, path: store)
        }
        // A range instead of LIKE so that the sha256 index is used; '~' sorts after every hex
        // digit, so [prefix, prefix + "~") holds exactly the hashes starting with prefix.
        let limit = 20
        let matches = try db.cachedRows("""
            SELECT \(ArtifactEntry.columns) FROM artifacts WHERE sha256 >= ? AND sha256 < ? ORDER BY sha256, path LIMIT ?
            """, [prefix, prefix + "~", limit + 1]).map(ArtifactEntry.init(row:))
        switch matches.count {
        case 0:
            throw ProvenanceError.unknownArtifact(query: query, path: store)
        case 1:
            return matches[0]
        default:
            var candidates = matches.prefix(limit).map { "\($0.sha256) \($0.path) (\($0.kind.rawValue))" }
            if matches.count > limit { candidates.append("... and more") }
            throw ProvenanceError.ambiguousHashPrefix(prefix: query, candidates: candidates, path: store)
        }
    }
}

/// Builds a lineage tree inside one read transaction, expanding each artifact version once and
/// reading each run once.
private struct LineageBuilder {
    let db: Database
    var expanded = Set<Int64>()
    var runs: [Int64: RunEntry] = [:]

    init(db: Database) { self.db = db }

    mutating func node(for artifact: ArtifactEntry) throws -> LineageNode {
        guard expanded.insert(artifact.id).inserted else {
            return LineageNode(artifact: artifact, producedBy: nil, surrogate: nil, inputs: [], expandedElsewhere: true)
        }
        let surrogate = try db.cachedRow("SELECT \(SurrogateEntry.columns) FROM surrogates WHERE artifact_id = ? ORDER BY id DESC LIMIT 1", [artifact.id]).map(SurrogateEntry.init(row:))
        // The first run that produced this version is where it came from; later runs that
        // produced identical bytes (a reproduction) do not change its origin.
        guard let runID = try db.cachedValue(Int64.self, "SELECT run_id FROM edges WHERE artifact_id = ? AND role = 'output' ORDER BY id LIMIT 1", [artifact.id]) else {
            return LineageNode(artifact: artifact, producedBy: nil, surrogate: surrogate, inputs: [], expandedElsewhere: false)
        }
        let run = try self.run(runID)
        var inputs: [LineageNode] = []
        for input in try ProvenanceStore.artifacts(of: runID, role: .input, db) {
            inputs.append(try node(for: input))
        }
        return LineageNode(artifact: artifact, producedBy: run, surrogate: surrogate, inputs: inputs, expandedElsewhere: false)
    }

    mutating func run(_ id: Int64) throws -> RunEntry {
        if let run = runs[id] { return run }
        guard let row = try db.cachedRow("SELECT \(RunEntry.columns) FROM runs WHERE id = ?", [id]) else {
            throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: "edge refers to missing run \(id)")
        }
        let run = try RunEntry(row: row)
        runs[id] = run
        return run
    }
}
