import EventData
import Foundation
import Provenance

/// Decides, per systematic, whether its surrogate can be reused or must be (re)trained, and
/// says why (section 6.4: refining the model retrains only what changed).
public enum Refinement {
    public enum Decision: Sendable, Equatable {
        case reuse(surrogateID: Int64)
        case train(reason: String)

        public var text: String {
            switch self {
            case .reuse: return "reused"
            case let .train(reason): return reason
            }
        }
    }

    /// Files a trained surrogate consists of, relative to the workspace.
    static func files(of systematic: String) -> [String] {
        ["model.json", "surrogate.json", "closure.svg", "closure.md", "closure.json"].map { "surrogates/\(systematic)/\($0)" }
    }

    public static func decide(identity: SurrogateIdentity, plan: SystematicPlan, store: ProvenanceStore,
                              workspace: Workspace) throws -> Decision {
        let key = identity.key
        if let existing = try store.latestSurrogate(identityKey: key) {
            // Same inputs: reuse if every file is still what the run that trained this
            // surrogate wrote (not merely the latest version of that path).
            let outputs = try store.run(existing.runID).outputs
            for path in files(of: plan.name) {
                let url = workspace.root.appendingPathComponent(path)
                guard FileManager.default.fileExists(atPath: url.path) else {
                    return .train(reason: "retrained: \(path) is missing")
                }
                guard let recorded = outputs.first(where: { $0.path == path }),
                      try FileHash.sha256(file: url) == recorded.sha256 else {
                    return .train(reason: "retrained: \(path) was modified")
                }
            }
            return .reuse(surrogateID: existing.id ?? 0)
        }
        guard let previous = try store.latestSurrogate(systematic: plan.name) else {
            return .train(reason: "trained: new")
        }
        let candidate = identity.entry(plan: plan, artifactID: previous.artifactID, seed: previous.seed,
                                       closureFigures: [], runID: previous.runID)
        var changes = candidate.changes(from: previous).map(\.description)
        if identity.alternativeSHA256 != nil, changes.isEmpty { changes = ["alternative sample"] }
        // Name the settings that moved: a demo-sized surrogate asked about with the workspace's
        // full settings should say "trees 100 → 300", not only "learner settings".
        let settings = candidate.settingsDifferences(from: previous)
        let detail = settings.isEmpty ? "" : " (" + settings.joined(separator: ", ") + ")"
        return .train(reason: "retrained: " + (changes.isEmpty ? "inputs changed" : changes.joined(separator: ", ") + " changed") + detail)
    }
}
