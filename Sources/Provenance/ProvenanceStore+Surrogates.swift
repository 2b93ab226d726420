import Foundation
import GRDB

extension ProvenanceStore {
    /// Records a trained surrogate; its model file must already be recorded as an artifact
    /// (`artifactID`) and its run must exist. Returns the surrogate's id.
    public func recordSurrogate(_ entry: SurrogateEntry) throws -> Int64 {
        let storePath = url.path
        let values: StatementArguments = [
            entry.artifactID, entry.systematic, try StoredJSON.encode(entry.nuisances), try StoredJSON.encode(entry.terms),
            try StoredJSON.encode(entry.basePoints), try StoredJSON.encode(entry.settings), Int64(bitPattern: entry.seed),
            entry.identityKey, entry.pluginSHA256.lowercased(), entry.pluginName, entry.pluginVersion, entry.pluginPath,
            entry.configJSON, entry.nominalSHA256.lowercased(), entry.learnerVersion,
            try StoredJSON.encode(entry.closureFigures), entry.runID, StoredDate.now, entry.alternativeSHA256?.lowercased(),
        ]
        return try perform("record the surrogate of '\(entry.systematic)'") {
            try pool.write { db in
                try Self.requireRun(entry.runID, path: storePath, db)
                guard try db.cachedValue(Bool.self, "SELECT EXISTS (SELECT 1 FROM artifacts WHERE id = ?)", [entry.artifactID]) == true else {
                    throw ProvenanceError.unknownArtifactID(id: entry.artifactID, path: storePath)
                }
                try db.cachedExecute("""
                    INSERT INTO surrogates (artifact_id, systematic, nuisances, terms, base_points, settings, seed, identity_key,
                                            plugin_sha256, plugin_name, plugin_version, plugin_path, config_json, nominal_sha256,
                                            learner_version, closure_figures, run_id, created_at, alternative_sha256)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, values)
                return db.lastInsertedRowID
            }
        }
    }

    /// The names of every systematic with a recorded surrogate, sorted.
    public func systematics() throws -> [String] {
        try perform("list the recorded systematics") {
            try pool.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT systematic FROM surrogates ORDER BY systematic") }
        }
    }

    /// Every surrogate recorded for a systematic, oldest first.
    public func surrogates(systematic: String) throws -> [SurrogateEntry] {
        try perform("read the history of '\(systematic)'") {
            try pool.read { db in
                try db.cachedRows("SELECT \(SurrogateEntry.columns) FROM surrogates WHERE systematic = ? ORDER BY id", [systematic]).map(SurrogateEntry.init(row:))
            }
        }
    }

    /// The most recent surrogate with this identity key: the candidate for reuse.
    public func latestSurrogate(identityKey: String) throws -> SurrogateEntry? {
        try perform("look up identity key \(identityKey)") {
            try pool.read { db in
                try db.cachedRow("SELECT \(SurrogateEntry.columns) FROM surrogates WHERE identity_key = ? ORDER BY id DESC LIMIT 1", [identityKey]).map(SurrogateEntry.init(row:))
            }
        }
    }

    /// The most recent surrogate of a systematic, whatever its key: what a retrain replaces,
    /// and what `changes(from:)` compares against to say why.
    public func latestSurrogate(systematic: String) throws -> SurrogateEntry? {
        try perform("look up the latest surrogate of '\(systematic)'") {
            try pool.read { db in
                try db.cachedRow("SELECT \(SurrogateEntry.columns) FROM surrogates WHERE systematic = ? ORDER BY id DESC LIMIT 1", [systematic]).map(SurrogateEntry.init(row:))
            }
        }
    }

    /// The model file of a surrogate (for checking that it still matches its hash).
    public func artifact(id: Int64) throws -> ArtifactEntry {
        let storePath = url.path
        return try perform("read artifact \(id)") {
            try pool.read { db in
                guard let row = try db.cachedRow("SELECT \(ArtifactEntry.columns) FROM artifacts WHERE id = ?", [id]) else {
                    throw ProvenanceError.unknownArtifactID(id: id, path: storePath)
                }
                return ArtifactEntry(row: row)
            }
        }
    }
}
