import GRDB

/// The store's schema: named migrations that never change once shipped (a released store was
/// created by them; changing one would make two stores with the same migration name differ).
/// A new Refinery adds a migration ("v2-...") and raises `version`; `PRAGMA user_version` holds
/// the version so that an older build can refuse a newer store before touching it.
///
/// Every table and column is documented in docs/provenance.md (a test keeps the two in step).
enum ProvenanceSchema {
    /// The schema version this build writes and understands (`PRAGMA user_version`).
    static var version: Int { migrationNames.count }

    /// The migration names, in order. Never rename or edit a shipped one. Each migration sets
    /// `user_version` to its position in this list (so branches adding migrations merge by
    /// listing them in order).
    static let migrationNames = ["v1-core", "v2-steps", "v4-cluster"]

    /// The schema version a migration leaves (its position, from 1).
    private static func level(_ name: String) -> Int { (migrationNames.firstIndex(of: name) ?? migrationNames.count) + 1 }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-core") { db in
            try db.execute(sql: v1Core)
            try db.execute(sql: "PRAGMA user_version = 1")
        }
        migrator.registerMigration("v2-steps") { db in
            try db.execute(sql: v2Steps)
            try db.execute(sql: "PRAGMA user_version = 2")
        }
        migrator.registerMigration("v4-cluster") { db in
            try db.execute(sql: v4Cluster)
            try db.execute(sql: "PRAGMA user_version = \(level("v4-cluster"))")
        }
        return migrator
    }

    /// Version 2: a run records the command line that replays it (`replay`, JSON array, NULL for
    /// runs that are not replayable steps) and the cluster job it belongs to (`job_id`); a
    /// surrogate records the alternative sample it was trained with, so that "alternative
    /// sample changed" is recorded, not guessed.
    private static let v2Steps = """
        ALTER TABLE runs ADD COLUMN replay TEXT;
        ALTER TABLE runs ADD COLUMN job_id TEXT;
        ALTER TABLE surrogates ADD COLUMN alternative_sha256 TEXT;
        """

    /// Cluster runs: the Slurm node a run ran on (`SLURMD_NODENAME`), which may differ from the
    /// machine's host name; the job and array task ids are in `job_id` (`<job>_<task>`).
    private static let v4Cluster = """
        ALTER TABLE runs ADD COLUMN node TEXT;
        """

    /// Version 1. Literal SQL so the documented schema is exactly what is written.
    /// Indexes serve the queries that must stay fast on 10⁵ artifacts and 10⁴ runs: lineage
    /// (edges by artifact and by run), latest version of a path, hash prefixes, surrogate
    /// history and identity lookups, and the scan for runs left `running` on open.
    private static let v1Core = """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            command TEXT NOT NULL,
            arguments TEXT NOT NULL DEFAULT '[]',
            host_version TEXT NOT NULL,
            host_commit TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted')),
            message TEXT,
            pid INTEGER NOT NULL,
            pid_start_time INTEGER,
            boot_id TEXT,
            host_name TEXT NOT NULL,
            cores INTEGER NOT NULL,
            os TEXT NOT NULL,
            workspace_root TEXT NOT NULL
        );
        CREATE INDEX runs_by_status ON runs(status);

        CREATE TABLE artifacts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            path TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('sample', 'synthetic', 'surrogate', 'plot', 'report', 'archive', 'plugin', 'configuration')),
            size INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            created_at TEXT NOT NULL,
            created_by_run INTEGER NOT NULL REFERENCES runs(id),
            UNIQUE (path, sha256)
        );
        CREATE INDEX artifacts_by_sha256 ON artifacts(sha256);

        CREATE TABLE edges (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
            role TEXT NOT NULL CHECK (role IN ('input', 'output')),
            recorded_at TEXT NOT NULL,
            UNIQUE (run_id, role, artifact_id)
        );
        CREATE INDEX edges_by_artifact ON edges(artifact_id, role);

        CREATE TABLE surrogates (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            artifact_id INTEGER NOT NULL REFERENCES artifacts(id),
            systematic TEXT NOT NULL,
            nuisances TEXT NOT NULL,
            terms TEXT NOT NULL,
            base_points TEXT NOT NULL,
            settings TEXT NOT NULL,
            seed INTEGER NOT NULL,
            identity_key TEXT NOT NULL,
            plugin_sha256 TEXT NOT NULL,
            plugin_name TEXT NOT NULL,
            plugin_version TEXT NOT NULL,
            plugin_path TEXT NOT NULL,
            config_json TEXT NOT NULL,
            nominal_sha256 TEXT NOT NULL,
            learner_version TEXT NOT NULL,
            closure_figures TEXT NOT NULL DEFAULT '[]',
            run_id INTEGER NOT NULL REFERENCES runs(id),
            created_at TEXT NOT NULL
        );
        CREATE INDEX surrogates_by_systematic ON surrogates(systematic);
        CREATE INDEX surrogates_by_identity ON surrogates(identity_key);
        CREATE INDEX surrogates_by_artifact ON surrogates(artifact_id);
        CREATE INDEX surrogates_by_run ON surrogates(run_id);
        """
}
