import EventData
import Foundation
import Provenance

/// How every surrogate reaches its folder (docs/security.md, "Consistency under kills and
/// concurrency"): its files are written to `surrogates/.<name>.staging-<tag>/`; the commit, under
/// the workspace's commit lock held shared, records them (and any other outputs, e.g. the data
/// sets staged beside) under their final names, records the surrogate row, and then exchanges
/// each staged folder with the recorded one in one atomic step. A kill at any moment leaves each
/// folder wholly old or wholly new, every file a recorded version.
struct SurrogateCommit {
    let layout: WorkspaceLayout
    let name: String
    /// The final files and their staging twins.
    let final: SurrogateFiles
    let staged: SurrogateFiles

    /// Creates an empty staging folder (removed by `discard` or replaced by `commit`).
    init(layout: WorkspaceLayout, name: String) throws {
        self.layout = layout
        self.name = name
        final = layout.surrogate(name)
        staged = layout.surrogateStaging(name, tag: .current)
        _ = try layout.inside(final.folder)
        _ = try layout.inside(staged.folder)
        try? FileManager.default.removeItem(at: staged.folder)
        try FileManager.default.createDirectory(at: staged.folder, withIntermediateDirectories: true)
    }

    /// Removes the staging folder (after a commit there is nothing left to remove).
    func discard() { try? FileManager.default.removeItem(at: staged.folder) }

    /// Writes `data` to the staging twin of the final file `url`; returns it hashed from memory,
    /// under its final name.
    func write(_ data: Data, as url: URL, kind: ArtifactKind) throws -> HashedFile {
        try AtomicFile.write(data, to: staged.folder.appendingPathComponent(url.lastPathComponent))
        return HashedFile.written(data, to: url, kind: kind)
    }

    /// The commit. `outputs` are the surrogate's files (the model first), `others` are recorded
    /// before them (staged data sets); `folders` are further (destination, staged) folder pairs
    /// exchanged before the surrogate's own; `recordSurrogate` receives the model's artifact id.
    func commit(_ context: StepContext, outputs: [HashedFile], others: [HashedFile] = [], folders: [(URL, URL)] = [],
                recordSurrogate: (Int64) throws -> Int64) throws -> Int64 {
        try CommitLock.with(layout, .shared) {
            if !others.isEmpty { _ = try context.record(outputs: others) }
            let recorded = try context.record(outputs: outputs)
            let id = try recordSurrogate(recorded[0].artifactID)
            try FileManager.default.createDirectory(at: layout.surrogates, withIntermediateDirectories: true)
            for (destination, staging) in folders { try AtomicFile.replaceDirectory(try layout.inside(destination), with: staging) }
            try AtomicFile.replaceDirectory(final.folder, with: staged.folder)
            return id
        }
    }
}
