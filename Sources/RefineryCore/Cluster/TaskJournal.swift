import Foundation
import Provenance

/// A cluster task's private store (store mode `journal`): created in the node's temporary
/// folder (local disk, where SQLite's WAL and locks work), recorded into by the task alone,
/// and left at the end — whether the task succeeded or not — as one clean rollback-mode file
/// (`snapshot`, then `ArchivedStore.copyClean`) in the shared submission folder for the dependent job to merge.
enum TaskJournal {
    static func recording<T>(into journal: URL, workspace: Workspace, _ body: (ProvenanceStore) throws -> T) throws -> T {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("refinery-journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let local = scratch.appendingPathComponent(ProvenanceStore.fileName)
        let store = try ProvenanceStore.open(file: local, workspace: workspace.root)
        let result = Result { try body(store) }
        // A consistent copy including what is still in the WAL (the file alone misses it),
        // then its clean form beside the other journals.
        let snapshot = scratch.appendingPathComponent("snapshot.sqlite")
        try store.snapshot(to: snapshot)
        try FileManager.default.createDirectory(at: journal.deletingLastPathComponent(), withIntermediateDirectories: true)
        try ArchivedStore.copyClean(from: snapshot, to: journal)
        return try result.get()
    }
}
