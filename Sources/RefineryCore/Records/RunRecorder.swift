import EventData
import Foundation
import Provenance

/// One command's run in the workspace's provenance store: begun before the work, finished
/// with its outcome. Artifacts are recorded only after their files are completely written
/// (atomically) and hashed, so a killed run never leaves a record of an incomplete file.
/// Steps use it through `StepRunner`.
public final class RunRecorder: @unchecked Sendable {
    public let store: ProvenanceStore
    public let workspace: Workspace
    public let runID: Int64
    private var finished = false
    /// Wall time spent recording (for the overhead figures of `train`).
    public private(set) var recordingSeconds = 0.0

    /// Opens the store (refusing a damaged or newer one) and begins a run.
    public convenience init(workspace: Workspace, command: String, arguments: [String], replay: [String]? = nil) throws {
        try self.init(store: ProvenanceStore.open(workspace: workspace.root), workspace: workspace, command: command,
                      arguments: arguments, replay: replay)
    }

    /// Begins a run in an already open store (e.g. one run per systematic inside `train`).
    public init(store: ProvenanceStore, workspace: Workspace, command: String, arguments: [String],
                replay: [String]? = nil) throws {
        self.workspace = workspace
        self.store = store
        runID = try store.beginRun(command: command, arguments: arguments, hostVersion: RefineryVersion.version,
                                   hostCommit: RefineryVersion.commit, replay: replay,
                                   jobID: ClusterJob.current?.recordedID, node: ClusterJob.current?.node)
    }

    /// Records hashed files as inputs or outputs of this run; returns their artifact ids in
    /// order. Paths inside the workspace are stored relative to it; others (plugin binaries on
    /// the search path) absolutely.
    @discardableResult
    public func record(_ files: [HashedFile], role: ArtifactRole) throws -> [Int64] {
        let start = Date()
        defer { recordingSeconds += Date().timeIntervalSince(start) }
        let records = files.map { file in
            ArtifactRecord(role: role, path: workspace.layout.relative(file.url), kind: file.kind, sha256: file.sha256, size: file.size)
        }
        return try store.recordArtifacts(run: runID, records)
    }

    public func succeed() throws {
        guard !finished else { return }
        finished = true
        try store.finishRun(runID, status: .succeeded, message: nil)
    }

    public func fail(_ error: Error) {
        guard !finished else { return }
        finished = true
        try? store.finishRun(runID, status: .failed, message: (error as? LocalizedError)?.errorDescription ?? "\(error)")
    }

    /// Runs `body` inside the run: succeeded if it returns, failed with its message if it throws.
    public func perform<T>(_ body: (RunRecorder) throws -> T) throws -> T {
        do {
            let value = try body(self)
            try succeed()
            return value
        } catch {
            fail(error)
            throw error
        }
    }
}

/// The cluster job a process runs in, from the batch system's environment (Slurm): the job,
/// the array task when it is one, and the node. Recorded with every run (`runs.job_id`,
/// `runs.node`) so that the runs of one submission are found together and a failure can be
/// traced to its node.
public struct ClusterJob: Sendable, Equatable, Codable {
    /// The array's job id for an array task (`SLURM_ARRAY_JOB_ID`), else `SLURM_JOB_ID`.
    public var job: String
    /// `SLURM_ARRAY_TASK_ID` for an array task.
    public var arrayTask: Int?
    /// `SLURMD_NODENAME`: Slurm's name of the node (not necessarily its host name).
    public var node: String?

    public init(job: String, arrayTask: Int?, node: String?) {
        self.job = job
        self.arrayTask = arrayTask
        self.node = node
    }

    /// What `runs.job_id` holds: `<array job>_<task>` for array tasks, `<job>` otherwise.
    public var recordedID: String { arrayTask.map { "\(job)_\($0)" } ?? job }

    public static var current: ClusterJob? { from(ProcessInfo.processInfo.environment) }

    public static func from(_ environment: [String: String]) -> ClusterJob? {
        let node = environment["SLURMD_NODENAME"].flatMap { $0.isEmpty ? nil : $0 }
        if let array = environment["SLURM_ARRAY_JOB_ID"], let task = environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) {
            return ClusterJob(job: array, arrayTask: task, node: node)
        }
        return environment["SLURM_JOB_ID"].map { ClusterJob(job: $0, arrayTask: nil, node: node) }
    }
}
