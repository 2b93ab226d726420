import EventData
import Foundation
import TopPairSimulation

/// `refinery demo`: the end-to-end job on one workspace at its demo size.
public enum Demo {
    public struct Summary: Sendable {
        public var workspace: URL
        public var samples: [URL]
        public var reports: [InspectionReport]
        public var plots: [URL]
        public var training: [Training.Outcome]
        /// The second `train`, which should reuse every surrogate (refinement, section 6.4).
        public var retraining: [Training.Outcome]
        /// The workspace archive the demo ends with.
        public var archive: WorkspacePacking.Packed?
        public var seconds: Double

        public var text: String {
            var lines = ["", "Refinery demo finished in \(String(format: "%.1f", seconds)) s on \(workspace.path)", ""]
            for report in reports {
                lines.append("\(report.name): \(report.fiducialEvents) fiducial events, σ_fid = \(String(format: "%.4f", report.fiducialCrossSectionPb)) pb")
            }
            if !training.isEmpty {
                lines.append("")
                lines.append("surrogates (yield change of the training data at each base point → surrogate):")
                for outcome in training {
                    if let error = outcome.error { lines.append("  \(outcome.name): FAILED: \(error)"); continue }
                    let yields = (outcome.closure?.basePoints ?? []).map { $0.yieldText(digits: 1) }.joined(separator: " ")
                    lines.append("  \(outcome.name): closure \((outcome.closure?.closes ?? false) ? "ok" : "not met"); \(yields)")
                }
            }
            if !retraining.isEmpty {
                let reused = retraining.filter { $0.decision == "reused" }.count
                lines.append("")
                lines.append("second train: \(reused) of \(retraining.count) surrogates reused (identity keys unchanged)"
                             + (reused == retraining.count ? "" : ": " + retraining.filter { $0.decision != "reused" }.map { "\($0.name) \($0.decision)" }.joined(separator: ", ")))
            }
            lines.append("")
            lines.append("provenance store: \(workspace.appendingPathComponent("provenance.sqlite").path)")
            lines.append("samples:")
            lines += samples.map { "  \($0.path)" }
            lines.append("plots (open in a browser):")
            lines += plots.map { "  \($0.path)" }
            if !training.isEmpty {
                lines.append("closure plots and tables:")
                lines += training.filter(\.succeeded).map { "  \(workspace.path)/surrogates/\($0.name)/closure.svg, closure.md" }
            }
            lines.append("reports:")
            lines.append("  \(workspace.appendingPathComponent("reports").path)")
            if let archive {
                lines.append("archive (check with `refinery verify`, re-derive with `refinery reproduce`):")
                lines.append("  \(archive.result.archive.path)")
                lines.append("  sha256 \(archive.result.sha256)")
            }
            return lines.joined(separator: "\n")
        }
    }

    public static func run(_ workspace: Workspace, events: Int?, threads: Int, executable: URL,
                           log: @escaping (String) -> Void) throws -> Summary {
        let start = Date()
        var options = SampleProduction.Options(workspace: workspace, force: true, threads: threads)
        options.nominalEvents = events ?? workspace.config.demo.nominalEvents
        options.alternativeEvents = events ?? workspace.config.demo.alternativeEvents
        if SampleCache.upToDate(workspace, options: options) {
            log("samples are up to date (same seed, size and simulation settings): reusing them")
        } else {
            _ = try SampleProduction.run(workspace, options: options, arguments: ["demo", "simulate"], log: log)
        }
        let samples = [workspace.nominalSample, workspace.alternativeSample]
        var reports: [InspectionReport] = []
        try FileManager.default.createDirectory(at: workspace.reportsDirectory, withIntermediateDirectories: true)
        for url in samples {
            let report = try Inspection.inspect(url)
            log(report.text + "\n")
            try AtomicFile.write(JSONEncoder.refinery.encode(report),
                                 to: workspace.reportsDirectory.appendingPathComponent("inspect-\(url.lastPathComponent).json"))
            reports.append(report)
        }
        log("drawing the observables for the SM and each Wilson coefficient (figure 4)")
        let plots = try ObservablePlots.write(nominal: workspace.nominalSample, to: workspace.plotsDirectory)
        var training: [Training.Outcome] = []
        var retraining: [Training.Outcome] = []
        if !workspace.config.systematics.isEmpty {
            log("training the \(workspace.config.systematics.count) systematic surrogates with \(workspace.config.demo.trees) trees each")
            training = try Training.run(workspace, options: .init(trees: workspace.config.demo.trees, threads: threads,
                                                                 executable: executable),
                                        progress: TrainingProgress(), arguments: ["demo", "train"])
            log("training again: every surrogate whose inputs did not change is reused")
            retraining = try Training.run(workspace, options: .init(trees: workspace.config.demo.trees, threads: threads,
                                                                    executable: executable),
                                          progress: TrainingProgress(), arguments: ["demo", "train", "again"])
        }
        log("packing the workspace")
        let archive = try WorkspacePacking.pack(workspace, output: nil, withoutData: false, compression: .zstd,
                                                arguments: ["demo", "pack"])
        return Summary(workspace: workspace.root, samples: samples, reports: reports, plots: plots, training: training,
                       retraining: retraining, archive: archive, seconds: Date().timeIntervalSince(start))
    }
}

/// Decides whether the samples on disk already are what `simulate` would write.
enum SampleCache {
    static func upToDate(_ workspace: Workspace, options: SampleProduction.Options) -> Bool {
        let wanted: [(URL, Generator, Int)] = [
            (workspace.nominalSample, .nominal, options.nominalEvents),
            (workspace.alternativeSample, .alternative, options.alternativeEvents),
        ]
        for (url, generator, events) in wanted {
            var settings = SimulationSettings(seed: options.seed, generator: generator, fiducialEvents: events)
            settings.crossSectionPb = workspace.config.simulation.crossSectionPb
            guard let dataSet = try? DataSet.open(url), let expected = try? JSONValue.from(settings),
                  dataSet.manifest.configuration == expected, dataSet.verify().isEmpty else { return false }
        }
        return true
    }
}
