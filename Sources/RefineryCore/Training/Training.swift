import BoostedParametricTree
import EventData
import Foundation
import PluginHost

/// `refinery train`: for each systematic of the workspace, make its synthetic data sets in an
/// isolated plugin worker, train its BPT surrogate (Algorithm 1) and check its closure.
/// A failing or crashing plugin costs only its own systematic; the others are trained and kept.
public enum Training {
    public struct Options: Sendable {
        public var only: [String]
        /// Overrides every systematic's tree count (the demo uses fewer trees).
        public var trees: Int?
        public var threads: Int
        /// The `refinery` executable that hosts plugin workers.
        public var executable: URL
        /// Consent to run plugin binaries that came from a workspace archive.
        public var trustArchivedPlugins: Bool

        public init(only: [String] = [], trees: Int? = nil, threads: Int, executable: URL, trustArchivedPlugins: Bool = false) {
            self.only = only
            self.trees = trees
            self.threads = threads
            self.executable = executable
            self.trustArchivedPlugins = trustArchivedPlugins
        }
    }

    public struct Outcome: Sendable {
        public var name: String
        public var plan: SystematicPlan?
        public var error: String?
        public var closure: ClosureReport?
        public var files: [URL]
        public var pluginSeconds: Double
        public var learnerSeconds: Double
        /// "reused", "trained: new", "retrained: plugin binary changed", ...
        public var decision: String = ""
        /// Wall time spent hashing files and writing provenance records.
        public var recordingSeconds = 0.0
        public var identityKey: String?
        public var succeeded: Bool { error == nil }
    }

    /// Trains the selected systematics that are not up to date; never throws for a single
    /// systematic's failure. The command is one run in the provenance store, and each trained
    /// systematic one more run whose inputs and outputs are recorded.
    public static func run(_ workspace: Workspace, options: Options, progress: TrainingProgress,
                           arguments: [String] = ["train"]) throws -> [Outcome] {
        let entries = try select(workspace, only: options.only)
        guard FileManager.default.fileExists(atPath: workspace.nominalSample.path) else {
            throw WorkspaceError.missingSample(path: workspace.nominalSample.path, command: "refinery simulate \(workspace.root.path)")
        }
        let recorder = try RunRecorder(workspace: workspace, command: "train", arguments: arguments)
        return try recorder.perform { recorder in
            try recorder.record([(workspace.configURL, .configuration)], role: .input)
            SyntheticStaging.removeAbandoned(in: workspace)
            let catalog = PluginCatalog(workspace: workspace, executable: options.executable,
                                        trustArchivedPlugins: options.trustArchivedPlugins)
            let process = PluginProcess(executable: options.executable, trust: catalog.trust)
            var outcomes: [Outcome] = []
            for entry in entries {
                var outcome = Outcome(name: entry.name, files: [], pluginSeconds: 0, learnerSeconds: 0)
                do {
                    let plan = try Self.plan(entry, workspace: workspace, catalog: catalog, process: process, trees: options.trees)
                    outcome.plan = plan
                    let identity = try Self.identity(plan, workspace: workspace)
                    outcome.identityKey = identity.key
                    let decision = try Refinement.decide(identity: identity, plan: plan, store: recorder.store, workspace: workspace)
                    outcome.decision = decision.text
                    switch decision {
                    case .reuse:
                        outcome.closure = try? JSONDecoder().decode(ClosureReport.self, from: Data(contentsOf:
                            workspace.root.appendingPathComponent("surrogates/\(plan.name)/closure.json")))
                        progress.log("\(entry.name): reused (identity \(identity.key.prefix(12)) unchanged)")
                    case let .train(reason):
                        progress.log("\(entry.name): \(reason); plugin \(plan.pluginName) \(plan.pluginVersion) [\(plan.kind.rawValue)], \(plan.spec.basePoints.count) base points, \(plan.spec.terms.count) terms, sha256 \(plan.pluginSHA256.prefix(12))")
                        let run = try RunRecorder(store: recorder.store, workspace: workspace, command: "train-systematic",
                                                  arguments: [plan.name, reason])
                        try run.perform { run in
                            try SurrogateTrainer(workspace: workspace, plan: plan, threads: options.threads, progress: progress)
                                .run(process: process, outcome: &outcome, identity: identity, recorder: run)
                        }
                        outcome.recordingSeconds = run.recordingSeconds
                    }
                } catch {
                    outcome.error = (error as? LocalizedError)?.errorDescription ?? "\(error)"
                    outcome.decision = "failed"
                    progress.log("\(entry.name): FAILED: \(outcome.error!)")
                }
                outcomes.append(outcome)
            }
            let failed = outcomes.filter { !$0.succeeded }.map(\.name)
            if !failed.isEmpty { recorder.fail(TrainingError.failures(failed)) }
            return outcomes
        }
    }

    /// The identity of a systematic's surrogate for the samples now on disk.
    public static func identity(_ plan: SystematicPlan, workspace: Workspace) throws -> SurrogateIdentity {
        let nominal = try FileHash.sha256(file: workspace.nominalSample.appendingPathComponent(DataSetManifest.fileName))
        let alternative = plan.kind == .alternative
            ? try FileHash.sha256(file: workspace.alternativeSample.appendingPathComponent(DataSetManifest.fileName)) : nil
        return SurrogateIdentity(plan: plan, nominalSHA256: nominal, alternativeSHA256: alternative)
    }

    static func select(_ workspace: Workspace, only: [String]) throws -> [WorkspaceConfig.SystematicEntry] {
        let all = workspace.config.systematics
        guard !all.isEmpty else { throw TrainingError.noSystematics(path: workspace.configURL.path) }
        for name in only where !all.contains(where: { $0.name == name }) {
            throw TrainingError.unknownSystematic(name: name, known: all.map(\.name))
        }
        return only.isEmpty ? all : all.filter { only.contains($0.name) }
    }

    /// Resolves plugin, identity, spec and settings of one systematic; checks that its base
    /// points determine its terms before any data set is made.
    public static func plan(_ entry: WorkspaceConfig.SystematicEntry, workspace: Workspace, catalog: PluginCatalog,
                            process: PluginProcess, trees: Int?) throws -> SystematicPlan {
        let path = try catalog.locate(entry.plugin)
        let configJSON = ConfigValue.json(entry.config)
        let pluginSHA256 = try PluginCatalog.identity(of: path)
        let description = try DescriptionCache.user().description(pluginSHA256: pluginSHA256, configJSON: configJSON) {
            try process.describe(path, configJSON: configJSON)
        }
        guard let spec = description.spec else {
            throw PluginHostError.pluginFailed(plugin: description.name, path: path.path, basePoint: nil,
                                               message: description.specError ?? "no spec")
        }
        let settings = SystematicPlan.settings(spec: spec, workspace: workspace.config.learner, entry: entry.learner, trees: trees)
        let plan = SystematicPlan(name: entry.name, pluginName: description.name, pluginPath: path.path,
                                  pluginSHA256: pluginSHA256, pluginVersion: description.version,
                                  kind: description.kind, configJSON: configJSON, spec: spec, settings: settings)
        do {
            _ = try BPTTrainer(problem: plan.problem(), settings: settings, threads: 1)
        } catch {
            throw PluginHostError.pluginFailed(plugin: description.name, path: path.path, basePoint: nil,
                                               message: (error as? LocalizedError)?.errorDescription ?? "\(error)")
        }
        return plan
    }
}
