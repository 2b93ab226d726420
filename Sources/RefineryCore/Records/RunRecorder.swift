import EventData
import Foundation
import Provenance

/// One command's run in the workspace's provenance store: begun before the step, finished
/// with its outcome. Artifacts are recorded only after their files are completely written
/// (atomically) and hashed, so a killed run never leaves a record of an incomplete file.
public final class RunRecorder: @unchecked Sendable {
    public let store: ProvenanceStore
    public let workspace: Workspace
    public let runID: Int64
    private var finished = false
    /// Wall time spent hashing and recording (for the <1% overhead benchmark).
    public private(set) var recordingSeconds = 0.0

    /// Opens the store (refusing a damaged or newer one) and begins a run.
    public convenience init(workspace: Workspace, command: String, arguments: [String]) throws {
        try self.init(store: ProvenanceStore.open(workspace: workspace.root), workspace: workspace, command: command,
                      arguments: arguments)
    }

    /// Begins a run in an already open store (e.g. one run per systematic inside `train`).
    public init(store: ProvenanceStore, workspace: Workspace, command: String, arguments: [String]) throws {
        self.workspace = workspace
        self.store = store
        runID = try store.beginRun(command: command, arguments: arguments, hostVersion: RefineryVersion.version,
                                   hostCommit: RefineryVersion.commit)
    }

    /// Records files as inputs or outputs of this run. Paths inside the workspace are stored
    /// relative to it; others (plugin binaries on the search path) absolutely.
    public func record(_ files: [(URL, ArtifactKind)], role: ArtifactRole) throws {
        let start = Date()
        defer { recordingSeconds += Date().timeIntervalSince(start) }
        let records = try files.map { url, kind in
            ArtifactRecord(role: role, path: workspace.relative(url), kind: kind,
                           sha256: try FileHash.sha256(file: url), size: Self.size(of: url))
        }
        _ = try store.recordArtifacts(run: runID, records)
    }

    /// Records every file of a data set folder (manifest first).
    public func recordDataSet(_ url: URL, kind: ArtifactKind, role: ArtifactRole) throws {
        try record(Self.dataSetFiles(url).map { ($0, kind) }, role: role)
    }

    static func dataSetFiles(_ url: URL) -> [URL] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        return files.map { url.appendingPathComponent($0) }
    }

    static func size(of url: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size]) as? NSNumber)?.int64Value ?? 0
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
