import EventData
import Foundation
import Provenance

/// `refinery submit`: the stale surrogates, decided exactly as `train` decides
/// (`ProvenanceQueries.stale`, the same identity keys and `TrainingDecision`), trained by a
/// Slurm job array — one task per stale systematic, each `refinery train --only NAME` — and a
/// job that depends on the whole array (`afterok`, killed rather than left pending when a task
/// fails) running what comes after. Issue 14; docs/cluster.md.
public enum ClusterSubmission {
    public struct Request: Sendable {
        /// Command-line options; what is not given comes from the `cluster:` block.
        public var options: ClusterSection
        public var dryRun: Bool
        public var resume: Bool
        /// The `refinery` the tasks run.
        public var executable: URL
        public var arguments: [String]

        public init(options: ClusterSection, dryRun: Bool, resume: Bool, executable: URL, arguments: [String]) {
            self.options = options
            self.dryRun = dryRun
            self.resume = resume
            self.executable = executable
            self.arguments = arguments
        }
    }

    /// What `submit` did (or, with `--dry-run`, would do).
    public struct Result: Encodable, Sendable {
        public var dryRun: Bool
        /// Every systematic and what `train` would do for it.
        public var decisions: [ProvenanceQueries.StaleEntry]
        /// The systematics submitted (array task i trains the i-th); empty when nothing is stale.
        public var submitted: [String]
        public var submission: String?
        public var arrayJob: String?
        public var afterJob: String?
        public var store: ClusterSection.StoreMode?
        /// The scripts (workspace-relative path and text) and the `sbatch` lines.
        public var scripts: [Script]
        public var commandLines: [String]
        /// Journals of earlier submissions merged before deciding.
        public var merged: [ProvenanceStore.JournalMerge]
        public var resumes: String?

        public struct Script: Encodable, Sendable, Equatable {
            public var path: String
            public var text: String
        }
    }

    public static func submit(_ workspace: Workspace, request: Request) throws -> Result {
        let layout = workspace.layout
        // Slurm first: without it nothing else is worth doing (a dry run needs none).
        let tools = request.dryRun ? nil : try SlurmTools.locate()
        let previous = try SubmissionRecord.all(layout)
        var merged: [ProvenanceStore.JournalMerge] = []
        var resumes: String?
        if let tools, let latest = previous.last {
            let status = try ClusterJobs.status(of: latest, workspace: workspace, tools: tools)
            let active = status.activeJobs
            if !active.isEmpty { throw ClusterError.submissionActive(id: latest.id, jobs: active) }
            // Records of tasks that finished but whose dependent job never ran (a task failed)
            // are merged now, so that what they trained is not trained again.
            for record in previous where record.store == .journal {
                if let merge = try JournalMerging.mergePending(record, workspace: workspace) { merged.append(merge) }
            }
            let failed = status.tasks.filter { $0.state == .failed || $0.state == .cancelled }.map(\.systematic)
            if !failed.isEmpty {
                guard request.resume else { throw ClusterError.previousFailed(id: latest.id, systematics: failed) }
                resumes = latest.id
            }
        }
        let store = try ProvenanceStore.open(workspace: workspace.root)
        let decisions = try ProvenanceQueries.stale(workspace, store: store, executable: request.executable)
        let stale = decisions.filter { !$0.upToDate }.map(\.systematic)
        var result = Result(dryRun: request.dryRun, decisions: decisions, submitted: stale, scripts: [], commandLines: [],
                            merged: merged, resumes: resumes)
        guard !stale.isEmpty else { return result }

        let options = (workspace.config.cluster ?? ClusterSection()).overridden(by: request.options)
        let id = SubmissionRecord.nextID(layout)
        var plan = SubmissionPlan(id: id, root: workspace.root, workspaceName: workspace.config.name, files: layout.clusterSubmission(id),
                                  systematics: stale, executable: request.executable, options: options,
                                  store: (options.store ?? .auto).resolved(for: workspace.root))
        let config = workspace.config
        plan.validates = config.declaresLikelihood || config.validationSettings.holdOutTestEvents
        plan.limits = config.smeft != nil && config.model != nil
        let scripts = try BatchScripts(plan: plan)
        result.submission = id
        result.store = plan.store
        result.scripts = [.init(path: layout.relative(plan.files.taskScript), text: scripts.taskScript),
                          .init(path: layout.relative(plan.files.afterScript), text: scripts.afterScript)]
        result.commandLines = scripts.commandLines
        guard let tools else { return result }

        let step = SubmitStep(plan: plan, scripts: scripts, tools: tools, resumes: resumes, arguments: request.arguments)
        let record = try StepRunner(workspace: workspace, store: store).run(step).value
        result.arrayJob = record.arrayJob
        result.afterJob = record.afterJob
        return result
    }
}

/// The recorded part of `submit`: writes the scripts, submits the array and the dependent job,
/// writes `submission.json`, and records the three files as the run's outputs. Not
/// replayable: what it starts runs elsewhere, and the tasks record their own steps.
struct SubmitStep: Step {
    let plan: SubmissionPlan
    let scripts: BatchScripts
    let tools: SlurmTools
    let resumes: String?
    let arguments: [String]

    var command: String { "submit" }

    func inputs(_ layout: WorkspaceLayout) throws -> [(URL, ArtifactKind)] { [(layout.config, .configuration)] }

    func run(_ context: StepContext) throws -> SubmissionRecord {
        let files = plan.files
        let manager = FileManager.default
        try manager.createDirectory(at: context.layout.cluster, withIntermediateDirectories: true)
        // Not withIntermediateDirectories: two submits racing for the same number, one fails here.
        try manager.createDirectory(at: files.folder, withIntermediateDirectories: false)
        try manager.createDirectory(at: files.logs, withIntermediateDirectories: true)
        if plan.store == .journal { try manager.createDirectory(at: files.journals, withIntermediateDirectories: true) }
        var outputs: [HashedFile] = []
        for (text, url) in [(scripts.taskScript, files.taskScript), (scripts.afterScript, files.afterScript)] {
            outputs.append(try context.layout.write(Data(text.utf8), to: url, kind: .report))
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        let arrayJob = try Self.jobID(SlurmTools.check(tools.sbatch, scripts.arrayArguments))
        let afterJob: String
        do {
            afterJob = try Self.jobID(SlurmTools.check(tools.sbatch, scripts.afterArguments(arrayJob: arrayJob)))
        } catch {
            // An array without its dependent job would run unsupervised: take it back.
            if let scancel = try? SlurmTools.locate().scontrol.deletingLastPathComponent().appendingPathComponent("scancel") {
                _ = try? SlurmTools.run(scancel, [arrayJob])
            }
            throw error
        }
        let record = SubmissionRecord(id: plan.id, createdAt: Date(), workspaceRoot: plan.root.path, executable: plan.executable.path,
                                      systematics: plan.systematics, arrayJob: arrayJob, afterJob: afterJob, store: plan.store,
                                      options: plan.options, resumes: resumes)
        outputs.append(try context.layout.write(record.encoded(), to: files.record, kind: .report))
        try context.record(outputs: outputs)
        return record
    }

    /// `sbatch --parsable` prints `<job id>` or `<job id>;<cluster>`.
    static func jobID(_ output: String) throws -> String {
        let id = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else { throw ClusterError.unexpectedSbatchOutput(output) }
        return id
    }
}
