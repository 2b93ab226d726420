import Foundation
import GRDB

/// One recorded run (a row of `runs`): a command that changed the workspace.
public struct RunEntry: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64
    /// The subcommand, e.g. "train".
    public var command: String
    public var arguments: [String]
    public var hostVersion: String
    public var hostCommit: String
    public var startedAt: Date
    /// Nil while running, and for interrupted runs (their real end is unknown).
    public var endedAt: Date?
    public var status: RunStatus
    /// The failure message, or how an interruption was detected.
    public var message: String?
    public var pid: Int32
    public var hostName: String
    public var cores: Int
    public var os: String
    /// Absolute path of the workspace when the run started.
    public var workspaceRoot: String
    /// The `refinery` arguments that replay this step (`reproduce`); nil when not a step.
    public var replay: [String]?
    /// The cluster job the run belongs to (e.g. Slurm's `<job>_<task>`), if any.
    public var jobID: String?
    /// The batch system's node the run ran on (Slurm's `SLURMD_NODENAME`), if any.
    public var node: String?

    /// Wall time of a finished run.
    public var duration: TimeInterval? { endedAt.map { $0.timeIntervalSince(startedAt) } }

    static let columns = "id, command, arguments, host_version, host_commit, started_at, ended_at, status, message, pid, host_name, cores, os, workspace_root, replay, job_id, node"

    init(row: Row) throws {
        id = row["id"]
        command = row["command"]
        arguments = try StoredJSON.decode([String].self, from: row["arguments"])
        hostVersion = row["host_version"]
        hostCommit = row["host_commit"]
        startedAt = row["started_at"]
        endedAt = row["ended_at"]
        let rawStatus: String = row["status"]
        status = RunStatus(rawValue: rawStatus) ?? .failed
        message = row["message"]
        pid = row["pid"]
        hostName = row["host_name"]
        cores = row["cores"]
        os = row["os"]
        workspaceRoot = row["workspace_root"]
        let replayJSON: String? = row["replay"]
        replay = try replayJSON.map { try StoredJSON.decode([String].self, from: $0) }
        jobID = row["job_id"]
        node = row["node"]
    }
}
