import EventData
import Foundation
import Provenance

/// Decides, per systematic, whether its surrogate can be reused or must be (re)trained
/// (section 6.4: refining the model retrains only what changed). The store and the disk are
/// read here; the decision itself is the pure `TrainingDecision.decide`.
public enum Refinement {
    public static func decide(identity: SurrogateIdentity, plan: SystematicPlan, store: ProvenanceStore,
                              layout: WorkspaceLayout) throws -> TrainingDecision {
        try decide(key: identity.key, name: plan.name, store: store, layout: layout) { previous in
            identity.entry(plan: plan, artifactID: previous?.artifactID ?? 0, seed: previous?.seed ?? 0,
                           closureFigures: [], runID: previous?.runID ?? 0)
        }
    }

    /// The decision for any surrogate (a systematic's or the SMEFT one) with identity `key`
    /// under `surrogates/<name>/`; `candidate` makes the entry a training would record, given
    /// the surrogate it would replace.
    static func decide(key: String, name: String, store: ProvenanceStore, layout: WorkspaceLayout,
                       candidate: (SurrogateEntry?) -> SurrogateEntry) throws -> TrainingDecision {
        let sameIdentity = try store.latestSurrogate(identityKey: key)
        var recordedFiles: [String: String] = [:]
        var files: [(path: String, state: FileState)] = []
        if let sameIdentity {
            // Reuse only if every file is still what the run that trained this surrogate
            // wrote (not merely the latest version of that path). Files are hashed in order
            // and only until the first that differs.
            for output in try store.run(sameIdentity.runID).outputs { recordedFiles[output.path] = output.sha256 }
            for url in layout.surrogate(name).all {
                let path = layout.relative(url)
                let state: FileState = FileManager.default.fileExists(atPath: url.path)
                    ? .present(sha256: try FileHash.sha256(file: url)) : .missing
                files.append((path, state))
                if case let .present(sha) = state, recordedFiles[path] == sha { continue }
                break
            }
        }
        let previous = sameIdentity == nil ? try store.latestSurrogate(systematic: name) : nil
        return TrainingDecision.decide(candidate: candidate(previous), sameIdentity: sameIdentity, recordedFiles: recordedFiles,
                                       files: files, previous: previous)
    }
}
