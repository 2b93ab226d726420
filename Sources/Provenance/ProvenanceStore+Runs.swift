import Foundation
import GRDB

extension ProvenanceStore {
    /// Records the start of a command that changes the workspace; returns the run id.
    ///
    /// - Parameter process: the process doing the work, by default the caller. A host that
    ///   records on behalf of a worker process (a Slurm task, a child) passes the worker's, so
    ///   that the run is marked interrupted if that worker dies.
    /// - Parameter replay: the `refinery` arguments that redo this run as a step (`reproduce`
    ///   replays them); nil for runs that are not steps.
    /// - Parameter jobID: the cluster job the run belongs to; `node`: the batch node it runs on.
    public func beginRun(command: String, arguments: [String], hostVersion: String, hostCommit: String,
                         process: ProcessIdentity = .current, replay: [String]? = nil, jobID: String? = nil, node: String? = nil) throws -> Int64 {
        let argumentsJSON = try StoredJSON.encode(arguments)
        let replayJSON = try replay.map { try StoredJSON.encode($0) }
        let root = workspaceRoot.path
        return try perform("record the start of '\(command)'") {
            try pool.write { db in
                try db.cachedExecute("""
                    INSERT INTO runs (command, arguments, host_version, host_commit, started_at, status, pid,
                                      pid_start_time, boot_id, host_name, cores, os, workspace_root, replay, job_id, node)
                    VALUES (?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [command, argumentsJSON, hostVersion, hostCommit, StoredDate.now, process.pid,
                          process.startTime.map { Int64(clamping: $0) }, process.bootID, process.hostName,
                          MachineDescription.cores, MachineDescription.operatingSystem, root, replayJSON, jobID, node])
                return db.lastInsertedRowID
            }
        }
    }

    /// Records the outcome of a run (`succeeded`, `failed` with its message, or `interrupted`).
    public func finishRun(_ id: Int64, status: RunStatus, message: String?) throws {
        guard status != .running else { throw ProvenanceError.invalidFinishStatus(id: id, path: url.path) }
        let path = url.path
        try perform("record the end of run \(id)") {
            try pool.write { db in
                try db.cachedExecute("UPDATE runs SET status = ?, message = ?, ended_at = ? WHERE id = ?", [status.rawValue, message, StoredDate.now, id])
                if db.changesCount == 0 { throw ProvenanceError.unknownRun(id: id, path: path) }
            }
        }
    }

    /// The most recent runs first; all of them when `limit` is nil.
    public func runs(limit: Int?) throws -> [RunEntry] {
        try perform("list runs") {
            try pool.read { db in
                try db.cachedRows("SELECT \(RunEntry.columns) FROM runs ORDER BY id DESC LIMIT ?", [limit ?? -1]).map(RunEntry.init(row:))
            }
        }
    }

    /// The runs recorded by one cluster job (`runs.job_id`, e.g. an array task `<job>_<task>`), oldest first.
    public func runs(jobID: String) throws -> [RunEntry] {
        try perform("list the runs of job \(jobID)") {
            try pool.read { db in
                try db.cachedRows("SELECT \(RunEntry.columns) FROM runs WHERE job_id = ? ORDER BY id", [jobID]).map(RunEntry.init(row:))
            }
        }
    }

    /// Whether a succeeded run of `command` used this exact file version as an input.
    public func wasInput(path: String, sha256: String, ofSucceeded command: String) throws -> Bool {
        try perform("look up the uses of \(path)") {
            try pool.read { db in
                try Bool.fetchOne(db, sql: """
                    SELECT EXISTS (SELECT 1 FROM edges JOIN artifacts ON artifacts.id = edges.artifact_id JOIN runs ON runs.id = edges.run_id
                                   WHERE artifacts.path = ? AND artifacts.sha256 = ? AND edges.role = 'input'
                                     AND runs.command = ? AND runs.status = 'succeeded')
                    """, arguments: [path, sha256, command]) ?? false
            }
        }
    }

    /// A run with its inputs, outputs and surrogates.
    public func run(_ id: Int64) throws -> RunDetail {
        let path = url.path
        return try perform("read run \(id)") {
            try pool.read { db in
                guard let row = try db.cachedRow("SELECT \(RunEntry.columns) FROM runs WHERE id = ?", [id]) else {
                    throw ProvenanceError.unknownRun(id: id, path: path)
                }
                let surrogates = try db.cachedRows("SELECT \(SurrogateEntry.columns) FROM surrogates WHERE run_id = ? ORDER BY id", [id]).map(SurrogateEntry.init(row:))
                return RunDetail(run: try RunEntry(row: row), inputs: try Self.artifacts(of: id, role: .input, db),
                                 outputs: try Self.artifacts(of: id, role: .output, db), surrogates: surrogates)
            }
        }
    }

    /// The artifact versions a run used or produced, in recording order.
    static func artifacts(of run: Int64, role: ArtifactRole, _ db: Database) throws -> [ArtifactEntry] {
        try db.cachedRows("""
            SELECT \(ArtifactEntry.columns("a")) FROM edges e JOIN artifacts a ON a.id = e.artifact_id
            WHERE e.run_id = ? AND e.role = ? ORDER BY e.id
            """, [run, role.rawValue]).map(ArtifactEntry.init(row:))
    }

    static func requireRun(_ id: Int64, path: String, _ db: Database) throws {
        guard try db.cachedValue(Bool.self, "SELECT EXISTS (SELECT 1 FROM runs WHERE id = ?)", [id]) == true else {
            throw ProvenanceError.unknownRun(id: id, path: path)
        }
    }

    /// Marks `interrupted` every `running` run of this host whose process is gone (SIGKILL,
    /// crash, reboot). Runs of other hosts are left alone: their liveness cannot be checked here.
    func markInterruptedRuns() throws {
        let candidates = try perform("look for interrupted runs") {
            try pool.read { db in
                try db.cachedRows("SELECT id, pid, pid_start_time, boot_id, host_name FROM runs WHERE status = 'running'")
                    .map { row -> (Int64, ProcessIdentity) in
                        let start: Int64? = row["pid_start_time"]
                        return (row["id"], ProcessIdentity(pid: row["pid"], startTime: start.map { UInt64(clamping: $0) },
                                                           bootID: row["boot_id"], hostName: row["host_name"]))
                    }
            }
        }
        // Liveness is checked outside any transaction: it reads /proc, not the database.
        let gone = candidates.filter { $0.1.liveness() == .gone }
        guard !gone.isEmpty else { return }
        let now = Date()
        try perform("mark interrupted runs") {
            try pool.write { db in
                for (id, process) in gone {
                    // `status = 'running'` again: another process may have finished or marked it
                    // since it was read.
                    try db.cachedExecute("UPDATE runs SET status = 'interrupted', message = ? WHERE id = ? AND status = 'running'", ["process \(process.pid) on \(process.hostName) ended without finishing the run (found at \(ISO8601DateFormatter().string(from: now)))", id])
                }
            }
        }
    }
}
