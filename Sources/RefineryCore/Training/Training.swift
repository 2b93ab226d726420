import BoostedParametricTree
import EventData
import Foundation
import PluginHost
import Provenance

/// `refinery train`: for each systematic of the workspace, decide from its identity key
/// whether the recorded surrogate can be reused; otherwise run its `TrainSystematicStep`.
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
        /// A cluster task's journal (store mode `journal`, docs/cluster.md): record into a
        /// private store on this node and leave its clean copy here, instead of writing the
        /// workspace's store.
        public var journal: URL?

        public init(only: [String] = [], trees: Int? = nil, threads: Int, executable: URL, trustArchivedPlugins: Bool = false,
                    journal: URL? = nil) {
            self.only = only
            self.trees = trees
            self.threads = threads
            self.executable = executable
            self.trustArchivedPlugins = trustArchivedPlugins
            self.journal = journal
        }
    }

    /// Trains the selected systematics that are not up to date; never throws for a single
    /// systematic's failure. The command is one run in the provenance store, and each trained
    /// systematic one more run (a step) whose inputs and outputs are recorded.
    public static func run(_ workspace: Workspace, options: Options, progress: TrainingProgress,
                           arguments: [String] = ["train"]) throws -> [Outcome] {
        _ = try select(workspace, only: options.only)
        let layout = workspace.layout
        guard FileManager.default.fileExists(atPath: layout.nominalSample.path) else {
            throw WorkspaceError.missingSample(path: layout.nominalSample.path, command: "refinery simulate -w \(workspace.root.path)")
        }
        if let journal = options.journal {
            return try TaskJournal.recording(into: journal, workspace: workspace) { store in
                try run(workspace, options: options, progress: progress, arguments: arguments, store: store)
            }
        }
        return try run(workspace, options: options, progress: progress, arguments: arguments,
                       store: ProvenanceStore.open(workspace: workspace.root))
    }

    static func run(_ workspace: Workspace, options: Options, progress: TrainingProgress, arguments: [String],
                    store: ProvenanceStore) throws -> [Outcome] {
        let entries = try select(workspace, only: options.only)
        let layout = workspace.layout
        let recorder = try RunRecorder(store: store, workspace: workspace, command: "train", arguments: arguments)
        return try recorder.perform { recorder in
            let inputs = try TrainingInputs(layout: layout)
            try recorder.record([inputs.configuration], role: .input)
            Leftovers.remove(layout)
            let catalog = PluginCatalog(workspace: workspace, executable: options.executable,
                                        trustArchivedPlugins: options.trustArchivedPlugins)
            let process = PluginProcess(executable: options.executable, trust: catalog.trust)
            let runner = StepRunner(workspace: workspace, store: recorder.store)
            let nominalEvents = NominalEventsCache()
            var outcomes: [Outcome] = []
            for entry in entries {
                var outcome = Outcome(name: entry.name)
                let started = Date()
                do {
                    let plan = try Self.plan(entry, workspace: workspace, catalog: catalog, process: process, trees: options.trees,
                                             recorded: try recorder.store.latestSurrogate(systematic: entry.name)?.pluginSHA256)
                    outcome.plugin = .init(name: plan.pluginName, version: plan.pluginVersion, kind: plan.kind, sha256: plan.pluginSHA256,
                                           basePoints: plan.spec.basePoints.count, terms: plan.spec.terms.count, trees: plan.settings.trees)
                    let hashed = try inputs.files(for: plan)
                    let identity = try inputs.identity(plan)
                    outcome.identityKey = identity.key
                    let decision = try Refinement.decide(identity: identity, plan: plan, store: recorder.store, layout: layout)
                    outcome.decision = decision
                    outcome.files = layout.surrogate(plan.name).all.map(layout.relative)
                    switch decision {
                    case let .reuse(surrogateID):
                        outcome.status = .reused
                        outcome.surrogateID = surrogateID
                        outcome.closure = try? JSONDecoder().decode(ClosureReport.self, from: Data(contentsOf: layout.surrogate(plan.name).closureJSON))
                        progress.log("\(entry.name): reused (identity \(identity.key.prefix(12)) unchanged)")
                    case let .train(reason):
                        progress.log("\(entry.name): \(DecisionText.text(reason)); plugin \(plan.pluginName) \(plan.pluginVersion) [\(plan.kind.rawValue)], \(plan.spec.basePoints.count) base points, \(plan.spec.terms.count) terms, sha256 \(plan.pluginSHA256.prefix(12))")
                        let step = TrainSystematicStep(workspace: workspace, plan: plan, identity: identity,
                                                       threads: options.threads, process: process, progress: progress,
                                                       nominalEvents: nominalEvents)
                        let finished = try runner.run(step, hashed: hashed)
                        let trained = finished.value
                        outcome.timings.recording = finished.recordingSeconds
                        outcome.status = .trained
                        outcome.surrogateID = trained.surrogateID
                        outcome.closure = trained.closure
                        outcome.timings.plugin = trained.pluginSeconds
                        outcome.timings.reading = trained.readingSeconds
                        outcome.timings.learner = trained.learnerSeconds
                        outcome.timings.closure = trained.closureSeconds
                    }
                } catch {
                    outcome.status = .failed
                    outcome.error = (error as? LocalizedError)?.errorDescription ?? "\(error)"
                    progress.log("\(entry.name): FAILED: \(outcome.error!)")
                }
                outcome.timings.total = Date().timeIntervalSince(started)
                outcomes.append(outcome)
            }
            // The SMEFT surrogate (smeft: section) is trained like a systematic, after them.
            if workspace.config.smeft != nil, options.only.isEmpty || options.only.contains(WorkspaceConfig.SmeftSection.surrogateName) {
                outcomes.append(trainSmeft(workspace, inputs: inputs, runner: runner, store: recorder.store,
                                           nominalEvents: nominalEvents, trees: options.trees,
                                           threads: options.threads, progress: progress))
            }
            let failed = outcomes.filter { !$0.succeeded }.map(\.name)
            if !failed.isEmpty { recorder.fail(TrainingError.failures(failed)) }
            return outcomes
        }
    }

    static func select(_ workspace: Workspace, only: [String]) throws -> [WorkspaceConfig.SystematicEntry] {
        let all = workspace.config.systematics
        let smeft = workspace.config.smeft == nil ? [] : [WorkspaceConfig.SmeftSection.surrogateName]
        guard !all.isEmpty || !smeft.isEmpty else { throw TrainingError.noSystematics(path: workspace.layout.config.path) }
        for name in only where !all.contains(where: { $0.name == name }) && !smeft.contains(name) {
            throw TrainingError.unknownSystematic(name: name, known: all.map(\.name))
        }
        return only.isEmpty ? all : all.filter { only.contains($0.name) }
    }

    /// Resolves plugin, identity, spec and settings of one systematic; checks that its base
    /// points determine its terms before any data set is made. `recorded` is the plugin hash
    /// of the systematic's latest recorded surrogate (see `PluginCatalog.resolve(_:recorded:)`).
    public static func plan(_ entry: WorkspaceConfig.SystematicEntry, workspace: Workspace, catalog: PluginCatalog,
                            process: PluginProcess, trees: Int?, recorded: String? = nil) throws -> SystematicPlan {
        // Resolution hashes the binary (to tell copies from different plugins): that hash is
        // the plugin's identity, not computed again.
        let resolution = try catalog.resolve(entry.plugin, recorded: recorded)
        let path = resolution.url
        let configJSON = ConfigValue.json(entry.config)
        let pluginSHA256 = resolution.sha256
        let description = try DescriptionCache.user().description(pluginSHA256: pluginSHA256, configJSON: configJSON) {
            try process.describe(path, configJSON: configJSON)
        }
        guard let spec = description.spec else {
            throw PluginHostError.pluginFailed(plugin: description.name, path: path.path, basePoint: nil,
                                               message: description.specError ?? "no spec")
        }
        let settings = try SystematicPlan.settings(spec: spec, workspace: workspace.config.learner, entry: entry.learner, trees: trees)
        var plan = SystematicPlan(name: entry.name, pluginName: description.name, pluginPath: path.path,
                                  pluginSHA256: pluginSHA256, pluginVersion: description.version,
                                  kind: description.kind, configJSON: configJSON, spec: spec, settings: settings)
        // Held-out events when the learner's settings use them, when the workspace declares a
        // likelihood (the limits sum over events no surrogate saw), and when `validate` is to
        // test on such events (validation.hold_out_test_events; docs/validation.md).
        let holdsOut = settings.needsHeldOutData || workspace.config.declaresLikelihood
            || workspace.config.validationSettings.holdOutTestEvents
        plan.heldOut = holdsOut ? workspace.config.heldOutSplit : nil
        do {
            _ = try BPTTrainer(problem: plan.problem(), settings: settings, threads: 1)
        } catch {
            throw PluginHostError.pluginFailed(plugin: description.name, path: path.path, basePoint: nil,
                                               message: (error as? LocalizedError)?.errorDescription ?? "\(error)")
        }
        return plan
    }
}

/// The files every systematic's training reads, hashed once per `train`: the configuration,
/// the nominal sample's manifest and (when a two-point systematic asks for it) the
/// alternative's. The identity keys and the steps' records use these values.
final class TrainingInputs {
    let layout: WorkspaceLayout
    let configuration: HashedFile
    let nominal: HashedFile
    private var alternativeFile: Result<HashedFile, Error>?

    init(layout: WorkspaceLayout) throws {
        self.layout = layout
        configuration = try HashedFile.of(layout.config, kind: .configuration)
        nominal = try HashedFile.of(layout.nominalSample.appendingPathComponent(DataSetManifest.fileName), kind: .sample)
    }

    /// The inputs of one systematic's training step, in the order they are recorded.
    func files(for plan: SystematicPlan) throws -> [HashedFile] {
        let plugin = URL(fileURLWithPath: plan.pluginPath)
        var files = [configuration, nominal, HashedFile(url: plugin, kind: .plugin, size: HashedFile.fileSize(plugin), sha256: plan.pluginSHA256)]
        if plan.kind == .alternative { files.append(try alternative()) }
        return files
    }

    /// The identity of a systematic's surrogate for the samples now on disk.
    func identity(_ plan: SystematicPlan) throws -> SurrogateIdentity {
        SurrogateIdentity(plan: plan, nominalSHA256: nominal.sha256,
                          alternativeSHA256: plan.kind == .alternative ? try alternative().sha256 : nil)
    }

    /// The alternative manifest, hashed on first use.
    func alternative() throws -> HashedFile {
        if alternativeFile == nil {
            alternativeFile = Result { try HashedFile.of(layout.alternativeSample.appendingPathComponent(DataSetManifest.fileName), kind: .sample) }
        }
        return try alternativeFile!.get()
    }
}
