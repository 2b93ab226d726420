import EventData
import Foundation
import PluginHost
import Provenance

/// The `refinery provenance` queries, over the workspace's store.
public enum ProvenanceQueries {
    public enum QueryError: LocalizedError {
        case noStore(path: String)
        case unknownSystematic(name: String, known: [String], suggestion: String?)
        public var errorDescription: String? {
            switch self {
            case let .unknownSystematic(name, known, suggestion):
                let hint = suggestion.map { " Did you mean '\($0)'?" } ?? ""
                return "no surrogate of a systematic '\(name)' is recorded in this workspace.\(hint) Recorded or configured: \(known.isEmpty ? "none" : known.joined(separator: ", "))."
            case let .noStore(path):
                return "\(path) does not exist: nothing has been recorded in this workspace yet. Run `refinery simulate` or `refinery train` first."
            }
        }
    }

    /// Opens an existing store (never creates one for a query); read-only where the workspace
    /// cannot be written.
    public static func open(_ workspace: Workspace) throws -> ProvenanceStore {
        let path = workspace.layout.store
        guard FileManager.default.fileExists(atPath: path.path) else { throw QueryError.noStore(path: path.path) }
        return try ProvenanceStore.openForReading(workspace: workspace.root)
    }

    /// One version of a systematic's surrogate and what changed from the previous one.
    public struct HistoryEntry: Codable, Sendable {
        public var surrogate: SurrogateEntry
        public var modelPath: String
        public var changes: [String]
    }

    public static func history(_ store: ProvenanceStore, systematic: String) throws -> [HistoryEntry] {
        let versions = try store.surrogates(systematic: systematic)
        return try versions.enumerated().map { index, entry in
            HistoryEntry(surrogate: entry, modelPath: try store.artifact(id: entry.artifactID).path,
                         changes: index == 0 ? ["first version"] : entry.changes(from: versions[index - 1]).map(\.description))
        }
    }

    /// What `train` would do now for each systematic, and why.
    public struct StaleEntry: Encodable, Sendable {
        public var systematic: String
        /// What `train` would decide; nil when it cannot train (see `error`).
        public var decision: TrainingDecision?
        public var error: String?
        public var upToDate: Bool { decision?.isReuse ?? false }
        /// The decision in words ("would retrain: plugin configuration changed").
        public var text: String {
            decision.map { DecisionText.text($0, .planned) } ?? "cannot train: \(error ?? "?")"
        }

        enum CodingKeys: String, CodingKey { case systematic, decision, error, upToDate, text }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(systematic, forKey: .systematic)
            try container.encodeIfPresent(decision, forKey: .decision)
            try container.encodeIfPresent(error, forKey: .error)
            try container.encode(upToDate, forKey: .upToDate)
            try container.encode(text, forKey: .text)
        }
    }

    /// What `train` would do now for each systematic and the SMEFT surrogate, and why: the
    /// same decision functions, on the same inputs, without running anything.
    public static func stale(_ workspace: Workspace, store: ProvenanceStore, executable: URL, trees: Int? = nil) throws -> [StaleEntry] {
        let catalog = PluginCatalog(workspace: workspace, executable: executable)
        // Read-only: archived binaries are described only from this user's cache, never run.
        let process = PluginProcess(executable: executable, trust: catalog.trust)
        let inputs = Result { try TrainingInputs(layout: workspace.layout) }
        var entries = workspace.config.systematics.map { entry in
            do {
                let plan = try Training.plan(entry, workspace: workspace, catalog: catalog, process: process, trees: trees,
                                             recorded: try store.latestSurrogate(systematic: entry.name)?.pluginSHA256)
                let decision = try Refinement.decide(identity: inputs.get().identity(plan), plan: plan, store: store, layout: workspace.layout)
                return StaleEntry(systematic: entry.name, decision: decision)
            } catch {
                return StaleEntry(systematic: entry.name, error: (error as? LocalizedError)?.errorDescription ?? "\(error)")
            }
        }
        // The SMEFT surrogate, decided by its own identity (the nominal sample, the smeft:
        // section, the split, the learner), as `train` decides it.
        if workspace.config.smeft != nil {
            let name = WorkspaceConfig.SmeftSection.surrogateName
            do {
                entries.append(StaleEntry(systematic: name, decision: try Training.smeftDecision(workspace, inputs: inputs.get(),
                                                                                                 store: store, trees: trees)))
            } catch {
                entries.append(StaleEntry(systematic: name, error: (error as? LocalizedError)?.errorDescription ?? "\(error)"))
            }
        }
        return entries
    }

    /// `provenance history` of a systematic the store has never seen is an error, with the
    /// closest recorded or configured name.
    public static func requireKnown(_ systematic: String, store: ProvenanceStore, workspace: Workspace) throws {
        guard try store.surrogates(systematic: systematic).isEmpty else { return }
        let known = Array(Set(workspace.config.systematics.map(\.name) + (try store.systematics())).sorted())
        throw QueryError.unknownSystematic(name: systematic, known: known,
                                           suggestion: Suggestion.closest(to: systematic, in: known))
    }

    public static func verify(_ workspace: Workspace, store: ProvenanceStore) throws -> VerifyReport {
        try store.verify(root: workspace.root) { try FileHash.sha256(file: $0) }
    }

    // MARK: Text

    public static func text(_ node: LineageNode) -> String {
        var lines: [String] = []
        func visit(_ node: LineageNode, prefix: String, last: Bool, top: Bool) {
            let branch = top ? "" : (last ? "└─ " : "├─ ")
            var line = "\(prefix)\(branch)\(node.artifact.path)  [\(node.artifact.kind.rawValue)] sha256 \(node.artifact.sha256.prefix(16))…"
            if let run = node.producedBy { line += "  ← run \(run.id) \(run.command)" }
            if node.expandedElsewhere { line += " (see above)" }
            lines.append(line)
            if let s = node.surrogate {
                let pad = prefix + (top ? "" : (last ? "   " : "│  "))
                lines.append("\(pad)   surrogate \(s.systematic): plugin \(s.pluginName) \(s.pluginVersion) sha256 \(s.pluginSHA256.prefix(16))…, config \(s.configJSON), nominal sample \(s.nominalSHA256.prefix(16))…, seed \(s.seed), identity \(s.identityKey.prefix(16))…")
            }
            let children = node.inputs
            for (index, child) in children.enumerated() {
                visit(child, prefix: prefix + (top ? "" : (last ? "   " : "│  ")), last: index == children.count - 1, top: false)
            }
        }
        visit(node, prefix: "", last: true, top: true)
        return lines.joined(separator: "\n")
    }

    public static func text(_ history: [HistoryEntry]) -> String {
        guard !history.isEmpty else { return "no surrogate recorded for this systematic" }
        return history.enumerated().map { index, entry in
            let s = entry.surrogate
            return "v\(index + 1)  \(s.createdAt.map { ISO8601DateFormatter().string(from: $0) } ?? "?")  run \(s.runID)  \(entry.modelPath)  identity \(s.identityKey.prefix(12))…  plugin \(s.pluginName) \(s.pluginVersion) (\(s.pluginSHA256.prefix(12))…)  trees \(Int(s.settings["trees"] ?? 0))\n    changes: \(entry.changes.joined(separator: ", "))"
        }.joined(separator: "\n")
    }

    public static func text(_ uses: ProvenanceStore.Uses) -> String {
        var lines = ["\(uses.artifact.path)  [\(uses.artifact.kind.rawValue)] sha256 \(uses.artifact.sha256.prefix(16))…"]
        if uses.uses.isEmpty { lines.append("  nothing recorded was made from it") }
        for use in uses.uses {
            lines.append("  run \(use.run.id) \(use.run.command) \(use.run.arguments.joined(separator: " "))  (\(use.run.status.rawValue))")
            for surrogate in use.surrogates { lines.append("    surrogate \(surrogate.systematic) identity \(surrogate.identityKey.prefix(12))…") }
            for output in use.outputs where output.kind == .surrogate || output.kind == .archive || output.kind == .report {
                lines.append("    → \(output.path) [\(output.kind.rawValue)]")
            }
        }
        return lines.joined(separator: "\n")
    }

    public static func text(_ runs: [RunEntry]) -> String {
        runs.map { run in
            "\(run.id)\t\(run.status.rawValue)\t\(run.command) \(run.arguments.joined(separator: " "))\t\(run.startedAt)\t\(run.message ?? "")"
        }.joined(separator: "\n")
    }

    public static func text(_ report: VerifyReport) -> String {
        var lines = ["checked \(report.checked) recorded files"]
        lines += report.missing.map { "MISSING   \($0.path) (sha256 \($0.sha256.prefix(16))…)" }
        lines += report.modified.map { "MODIFIED  \($0.artifact.path) (recorded \($0.artifact.sha256.prefix(16))…, now \($0.actualSHA256.map { String($0.prefix(16)) } ?? "?")…)" }
        lines += report.unreadable.map { "UNREADABLE \($0.artifact.path): \($0.reason)" }
        lines += report.unfinished.map { "UNFINISHED \($0.path): the version recorded by run \($0.createdByRun), which has not finished (still running, or interrupted)" }
        if report.isClean { lines.append("all files match their recorded hashes") }
        return lines.joined(separator: "\n")
    }
}
