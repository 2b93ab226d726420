import EventData
import Foundation

/// `refinery demo`: the end-to-end job on one workspace at its demo size, each part a step.
public enum Demo {
    public struct Summary: Sendable, Encodable {
        public var workspace: URL
        public var simulation: SampleProduction.Outcome
        public var reports: [InspectionReport]
        public var plots: [URL]
        public var training: [Training.Outcome]
        /// The second `train`, which should reuse every surrogate (refinement, section 6.4).
        public var retraining: [Training.Outcome]
        /// The classifier two-sample test of every surrogate (section 7.6; docs/validation.md).
        public var validation: [Validating.Outcome]
        /// The workspace archive the demo ends with.
        public var archive: WorkspacePacking.Packed?
        /// The limits the demo ends with (when the workspace declares a SMEFT surrogate).
        public var limits: Limits.Outcome?
        public var seconds: Double

        public var text: String {
            let layout = WorkspaceLayout(root: workspace)
            var lines = ["", "Refinery demo finished in \(String(format: "%.1f", seconds)) s on \(workspace.path)", ""]
            for report in reports {
                lines.append("\(report.name): \(report.fiducialEvents) fiducial events, σ_fid = \(String(format: "%.4f", report.fiducialCrossSectionPb)) pb")
            }
            if !training.isEmpty {
                lines.append("")
                lines.append("surrogates (yield change of the data at each base point → surrogate, on the held-out events where the surrogate trained without them):")
                for outcome in training {
                    if let error = outcome.error { lines.append("  \(outcome.name): FAILED: \(error)"); continue }
                    let yields = (outcome.closure?.judged ?? []).map { $0.yieldText(digits: 1) }.joined(separator: " ")
                    lines.append("  \(outcome.name): closure \(outcome.closes ? "ok" : "not met"); \(yields)")
                }
            }
            if !retraining.isEmpty {
                let reused = retraining.filter { $0.status == .reused }
                lines.append("")
                lines.append("second train: \(reused.count) of \(retraining.count) surrogates reused (identity keys unchanged)"
                             + (reused.count == retraining.count ? "" : ": " + retraining.filter { $0.status != .reused }.map { "\($0.name) \(DecisionText.text($0))" }.joined(separator: ", ")))
            }
            if !validation.isEmpty {
                lines.append("")
                lines.append("classifier two-sample test (section 7.6):")
                lines += Validating.text(validation, layout: layout).split(separator: "\n").map { "  " + $0 }
            }
            if let limits { lines.append(LimitsText.text(limits, layout: layout)) }
            lines.append("")
            lines.append("provenance store: \(layout.store.path)")
            lines.append("samples:")
            lines += simulation.samples.map { "  \($0.url.path)" }
            lines.append("plots (open in a browser):")
            lines += plots.map { "  \($0.path)" }
            if !training.isEmpty {
                lines.append("closure plots and tables:")
                lines += training.filter(\.succeeded).map { "  \(layout.surrogate($0.name).closurePlot.path), closure.md" }
            }
            lines.append("reports:")
            lines.append("  \(layout.reports.path)")
            if let archive {
                lines.append("archive (check with `refinery verify`, re-derive with `refinery reproduce`):")
                lines.append("  \(archive.result.archive.path)")
                lines.append("  sha256 \(archive.result.sha256)")
            }
            return lines.joined(separator: "\n")
        }

        enum CodingKeys: String, CodingKey { case workspace, simulation, reports, plots, training, retraining, validation, archive, limits, seconds }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(workspace.path, forKey: .workspace)
            try container.encode(simulation, forKey: .simulation)
            try container.encode(reports, forKey: .reports)
            try container.encode(plots.map(\.path), forKey: .plots)
            try container.encode(training, forKey: .training)
            try container.encode(retraining, forKey: .retraining)
            try container.encode(validation, forKey: .validation)
            try container.encodeIfPresent(archive, forKey: .archive)
            try container.encodeIfPresent(limits, forKey: .limits)
            try container.encode(seconds, forKey: .seconds)
        }
    }

    public static func run(_ workspace: Workspace, events: Int?, threads: Int, executable: URL,
                           log: @escaping (String) -> Void) throws -> Summary {
        let start = Date()
        let layout = workspace.layout
        var options = SampleProduction.Options(workspace: workspace, force: true, threads: threads)
        options.nominalEvents = events ?? workspace.config.demo.nominalEvents
        options.alternativeEvents = events ?? workspace.config.demo.alternativeEvents
        let simulation = try SampleProduction.run(workspace, options: options, log: log)
        var reports: [InspectionReport] = []
        try FileManager.default.createDirectory(at: layout.reports, withIntermediateDirectories: true)
        for sample in simulation.samples {
            let report = try Inspection.inspect(sample.url)
            log(report.text + "\n")
            _ = try layout.write(JSONEncoder.refinery.encode(report), to: layout.inspectionReport(of: sample.url), kind: .report)
            reports.append(report)
        }
        log("drawing the observables for the SM and each Wilson coefficient (figure 4)")
        let plots = try StepRunner(workspace: workspace).run(PlotsStep()).value
        var training: [Training.Outcome] = []
        var retraining: [Training.Outcome] = []
        var validation: [Validating.Outcome] = []
        if !workspace.config.systematics.isEmpty {
            log("training the \(workspace.config.systematics.count) systematic surrogates with \(workspace.config.demo.trees) trees each")
            training = try Training.run(workspace, options: .init(trees: workspace.config.demo.trees, threads: threads,
                                                                 executable: executable),
                                        progress: TrainingProgress(), arguments: ["demo", "train"])
            log("training again: every surrogate whose inputs did not change is reused")
            retraining = try Training.run(workspace, options: .init(trees: workspace.config.demo.trees, threads: threads,
                                                                    executable: executable),
                                          progress: TrainingProgress(), arguments: ["demo", "train", "again"])
            log("validating every surrogate: classifier two-sample test on events it was not trained on")
            validation = try Validating.run(workspace, only: [], threads: threads, log: log)
        }
        var limits: Limits.Outcome?
        if workspace.config.smeft != nil, training.allSatisfy(\.succeeded) {
            // Demo size: one pair of figure 11 (section 7.8's ctGRe:ctGIm; the model's pairs if
            // it names some) keeps the demo to minutes; `refinery limits` does all ten.
            let all = workspace.config.model?.pois ?? workspace.config.smeft?.pois ?? ["ctGRe", "ctGIm"]
            let pairs = workspace.config.model?.pairs == nil && all.count >= 2 ? "\(all[0]):\(all[1])" : nil
            log("expected limits (eq. 94) with every surrogate, figure 11 for \(pairs ?? "the model's pairs")")
            limits = try Limits.run(workspace, options: .init(pairs: pairs, threads: threads), log: log)
        }
        log("packing the workspace")
        let archive = try WorkspacePacking.pack(workspace, output: nil, withoutData: false, compression: .zstd,
                                                arguments: ["demo", "pack"])
        return Summary(workspace: workspace.root, simulation: simulation, reports: reports, plots: plots, training: training,
                       retraining: retraining, validation: validation, archive: archive, limits: limits, seconds: Date().timeIntervalSince(start))
    }
}
