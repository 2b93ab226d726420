import EventData
import Foundation
import Provenance

/// Store mode `journal` (docs/cluster.md): each task records into a private store and leaves
/// it as `cluster/<id>/journals/task-<i>.sqlite`; this step merges the journals not merged yet
/// into the workspace's store in one transaction. The dependent job runs it after the array;
/// `submit` runs it for earlier submissions whose dependent job never ran (a task failed).
public enum JournalMerging {
    /// Merges the submission's journals that no succeeded merge has read yet; nil when there
    /// are none.
    public static func mergePending(_ record: SubmissionRecord, workspace: Workspace) throws -> ProvenanceStore.JournalMerge? {
        let files = workspace.layout.clusterSubmission(record.id)
        let store = try ProvenanceStore.open(workspace: workspace.root)
        var pending: [HashedFile] = []
        for index in record.systematics.indices {
            let url = files.journal(index)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            let file = try HashedFile.of(url, kind: .report)
            if try !store.wasInput(path: workspace.layout.relative(url), sha256: file.sha256, ofSucceeded: MergeJournalsStep.name) {
                pending.append(file)
            }
        }
        guard !pending.isEmpty else { return nil }
        return try StepRunner(workspace: workspace, store: store).run(MergeJournalsStep(submission: record.id), hashed: pending).value
    }
}

/// One merge, recorded with the journals as its inputs (so a journal is merged once: a later
/// merge skips journal versions a succeeded merge already read).
struct MergeJournalsStep: Step {
    static let name = "merge-journals"
    let submission: String
    var command: String { Self.name }
    var arguments: [String] { [Self.name, "--submission", submission] }

    func run(_ context: StepContext) throws -> ProvenanceStore.JournalMerge {
        try context.store.mergeJournals(context.inputs.map(\.url))
    }
}
