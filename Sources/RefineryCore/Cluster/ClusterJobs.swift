import Foundation
import Provenance

/// `refinery jobs`: every submission's jobs and tasks and their states, from Slurm
/// (`scontrol`, which knows jobs until `MinJobAge` after they end; then `sacct` where an
/// accounting database exists) and, where Slurm no longer knows a task, from the runs it
/// recorded (`runs.job_id`). A failed task names its systematic, its log and its error.
public enum ClusterJobs {
    public enum State: String, Codable, Sendable {
        case pending, running, completed, failed, cancelled, unknown

        /// Slurm's job states (squeue(1) "JOB STATE CODES") in these six words.
        init(slurm: String) {
            switch slurm.split(separator: "+").first.map(String.init) ?? slurm {
            case "PENDING", "CONFIGURING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING", "SUSPENDED", "STOPPED": self = .pending
            case "RUNNING", "COMPLETING", "SIGNALING", "STAGE_OUT": self = .running
            case "COMPLETED": self = .completed
            case "CANCELLED", "REVOKED": self = .cancelled
            case "FAILED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "PREEMPTED", "SPECIAL_EXIT": self = .failed
            default: self = .unknown
            }
        }

        var isActive: Bool { self == .pending || self == .running }
    }

    /// One array task.
    public struct Task: Encodable, Sendable {
        public var index: Int
        public var systematic: String
        /// `<array job>_<index>`.
        public var job: String
        public var state: State
        /// Where the state came from: `scontrol`, `sacct` or `store` (the task's recorded runs).
        public var source: String
        public var node: String?
        public var exitCode: String?
        /// The task's log, workspace-relative.
        public var log: String
        /// For a failed task: the recorded error, else the log's last error line.
        public var error: String?
    }

    /// The dependent job.
    public struct After: Encodable, Sendable {
        public var job: String
        public var state: State
        public var reason: String?
        public var log: String
    }

    public struct Submission: Encodable, Sendable {
        public var id: String
        public var createdAt: Date
        public var store: ClusterSection.StoreMode
        public var arrayJob: String
        public var tasks: [Task]
        public var after: After

        /// Job ids still queued or running.
        public var activeJobs: [String] {
            tasks.filter { $0.state.isActive }.map(\.job) + (after.state.isActive ? [after.job] : [])
        }
        public var failed: [Task] { tasks.filter { $0.state == .failed || $0.state == .cancelled } }
    }

    /// Every submission of the workspace, oldest first (or only `only`).
    public static func status(_ workspace: Workspace, only: String? = nil) throws -> [Submission] {
        let records = try SubmissionRecord.all(workspace.layout)
        if let only, !records.contains(where: { $0.id == only }) {
            throw ClusterError.unknownSubmission(id: only, known: records.map(\.id))
        }
        guard !records.isEmpty else { return [] }
        let tools = try SlurmTools.locate()
        return try records.filter { only == nil || $0.id == only }.map { try status(of: $0, workspace: workspace, tools: tools) }
    }

    public static func status(of record: SubmissionRecord, workspace: Workspace, tools: SlurmTools) throws -> Submission {
        let layout = workspace.layout
        let files = layout.clusterSubmission(record.id)
        let slurm = jobLines(record.arrayJob, tools: tools)
        let store = FileManager.default.fileExists(atPath: layout.store.path) ? try ProvenanceStore.open(workspace: workspace.root) : nil
        let tasks = try record.systematics.enumerated().map { index, systematic -> Task in
            let job = record.taskJob(index)
            var task = Task(index: index, systematic: systematic, job: job, state: .unknown, source: "none", log: layout.relative(files.taskLog(index)))
            let runs = try store?.runs(jobID: job) ?? []
            if let line = slurm.first(where: { $0.tasks.contains(index) }) {
                task.state = State(slurm: line.state)
                task.source = line.source
                task.node = line.node
                task.exitCode = line.exitCode
            } else if let train = runs.last(where: { $0.command == "train" }) {
                // Slurm has forgotten the task: its recorded run says how it ended.
                task.source = "store"
                switch train.status {
                case .succeeded: task.state = .completed
                case .failed, .interrupted: task.state = .failed
                case .running: task.state = .running
                }
            }
            task.node = task.node ?? runs.last?.node
            if task.state == .failed || task.state == .cancelled {
                task.error = runs.last(where: { $0.status == .failed && $0.command != "train" })?.message
                    ?? runs.last(where: { $0.status != .succeeded })?.message ?? lastErrorLine(files.taskLog(index))
            }
            return task
        }
        var after = After(job: record.afterJob, state: .unknown, log: layout.relative(files.afterLog))
        if let line = jobLines(record.afterJob, tools: tools).first {
            after.state = State(slurm: line.state)
            after.reason = line.reason == "None" ? nil : line.reason
        } else if FileManager.default.fileExists(atPath: files.afterLog.path) {
            after.reason = "no longer known to Slurm; see its log"
        }
        return Submission(id: record.id, createdAt: record.createdAt, store: record.store, arrayJob: record.arrayJob, tasks: tasks, after: after)
    }

    /// One job or group of array tasks as Slurm reports it.
    struct JobLine: Equatable {
        var tasks: [Int]
        var state: String
        var reason: String?
        var node: String?
        var exitCode: String?
        var source: String
    }

    /// `scontrol show job -o` (one line per job or pending task group); when Slurm no longer
    /// knows the job, `sacct` if accounting is configured; else nothing.
    static func jobLines(_ job: String, tools: SlurmTools) -> [JobLine] {
        if let output = try? SlurmTools.run(tools.scontrol, ["show", "job", "-o", job]), output.status == 0 {
            let lines = output.stdout.split(separator: "\n").map(String.init).compactMap(parseScontrol)
            if !lines.isEmpty { return lines }
        }
        if let sacct = tools.sacct, let output = try? SlurmTools.run(sacct, ["-n", "-P", "-X", "-j", job, "-o", "JobID,State,ExitCode,NodeList,Reason"]),
           output.status == 0 {
            return output.stdout.split(separator: "\n").compactMap { line in
                let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                guard fields.count >= 4 else { return nil }
                let task = fields[0].split(separator: "_").dropFirst().first.map(String.init)
                return JobLine(tasks: task.map(taskIndices) ?? [], state: fields[1], reason: fields.count > 4 ? fields[4] : nil,
                               node: fields[3].isEmpty ? nil : fields[3], exitCode: fields[2], source: "sacct")
            }
        }
        return []
    }

    /// One line of `scontrol show job -o`: `Key=value` pairs. Only keys that come before any
    /// free-text field (command, paths) are read, so a value with spaces cannot confuse them.
    static func parseScontrol(_ line: String) -> JobLine? {
        func field(_ key: String) -> String? {
            guard let range = line.range(of: "(^| )\(key)=[^ ]*", options: .regularExpression) else { return nil }
            return String(line[range]).trimmingCharacters(in: .whitespaces).dropFirst(key.count + 1).description
        }
        guard let state = field("JobState") else { return nil }
        let node = field("BatchHost") ?? field("NodeList")
        return JobLine(tasks: field("ArrayTaskId").map(taskIndices) ?? [], state: state, reason: field("Reason"),
                       node: node.flatMap { $0.isEmpty || $0 == "(null)" ? nil : $0 }, exitCode: field("ExitCode"), source: "scontrol")
    }

    /// Slurm's array index lists: `3`, `0-4`, `1,3-5`, `0-9%2` (a throttle).
    static func taskIndices(_ text: String) -> [Int] {
        let list = text.split(separator: "%").first.map(String.init) ?? text
        return list.split(separator: ",").flatMap { part -> [Int] in
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            if bounds.count == 2, bounds[0] <= bounds[1] { return Array(bounds[0]...bounds[1]) }
            return bounds.count == 1 ? bounds : []
        }
    }

    /// The last line of a log that reports a failure (`error:`, `FAILED`), for a task whose
    /// runs say nothing (it failed before recording, e.g. `refinery` not found on the node).
    static func lastErrorLine(_ log: URL) -> String? {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return nil }
        return text.split(separator: "\n").last { $0.contains("error") || $0.contains("FAILED") }.map(String.init)
    }
}
