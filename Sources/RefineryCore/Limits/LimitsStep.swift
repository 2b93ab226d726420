import Charts
import EventData
import Foundation
import Inference
import Provenance

/// `refinery limits`: the expected limits of section 7.8 from the workspace's trained
/// surrogates — the model of eq. (82) over the held-out nominal events, the Asimov statistic
/// of eq. (94), 1-D intervals, the contours of figure 11, the breakdown and the constraints
/// (`LimitsRun`), written to `limits/`. A recorded step whose inputs are the configuration,
/// the nominal sample and every surrogate it uses; reused when none of them changed.
public enum Limits {
    public struct Options: Sendable {
        /// "a:b,c:d": the pairs of figure 11 (else the model section's, else all).
        public var pairs: String?
        /// "a,b": the POIs (a subset of the model's; the others fixed at 0). The demo uses the
        /// pair of section 7.8 to stay within minutes.
        public var pois: String?
        public var threads: Int
        public init(pairs: String? = nil, pois: String? = nil, threads: Int) {
            self.pairs = pairs
            self.pois = pois
            self.threads = threads
        }
    }

    /// What a `limits` run did.
    public struct Outcome: Sendable, Encodable {
        public enum Status: String, Sendable, Encodable { case computed, reused }
        public var status: Status
        public var runID: Int64?
        public var files: [String]
        /// Figure 11.
        public var figure: String
        public var report: LimitsReport
        /// Per surrogate: its cache file and whether it was read or evaluated.
        public var caches: [Cache]
        /// Surrogates that learned from the events the limits sum over (biased, docs/closure.md).
        public var trainedOnSummedEvents: [String]
        public var seconds: Double

        public struct Cache: Sendable, Encodable {
            public var surrogate: String
            public var file: String
            public var reused: Bool
            public var seconds: Double
        }
    }

    public static func run(_ workspace: Workspace, options: Options, log: @escaping (String) -> Void = { _ in }) throws -> Outcome {
        let start = Date()
        let layout = workspace.layout
        let store = try ProvenanceStore.open(workspace: workspace.root)
        let plan = try LimitsPlan.resolve(workspace, store: store, pairs: options.pairs, pois: options.pois)
        let biased = plan.systematics.filter { !$0.heldOutTrained }.map(\.name)
        let identity = plan.identityBytes
        if let reused = try reusable(identity: identity, store: store, layout: layout) {
            log("limits reused: nothing they depend on changed since run \(reused)")
            let report = try JSONDecoder().decode(LimitsReport.self, from: Data(contentsOf: layout.limitsFiles.json))
            return Outcome(status: .reused, runID: reused, files: layout.limitsFiles.all.map(layout.relative),
                           figure: layout.relative(layout.limitsFiles.contoursSVG), report: report, caches: [],
                           trainedOnSummedEvents: biased, seconds: Date().timeIntervalSince(start))
        }
        let step = LimitsStep(plan: plan, pairsArgument: options.pairs, poisArgument: options.pois, threads: options.threads, log: log)
        let finished = try StepRunner(workspace: workspace, store: store).run(step, hashed: plan.inputs)
        let value = finished.value
        return Outcome(status: .computed, runID: finished.runID, files: layout.limitsFiles.all.map(layout.relative),
                       figure: layout.relative(layout.limitsFiles.contoursSVG), report: value.report,
                       caches: value.caches.map { .init(surrogate: $0.0, file: layout.relative($0.1.file.url), reused: $0.1.reused, seconds: $0.1.seconds) },
                       trainedOnSummedEvents: biased, seconds: Date().timeIntervalSince(start))
    }

    /// The latest succeeded `limits` run, if it wrote these inputs and its files are unchanged.
    static func reusable(identity: Data, store: ProvenanceStore, layout: WorkspaceLayout) throws -> Int64? {
        guard let run = try store.runs(limit: nil).first(where: { $0.command == "limits" && $0.status == .succeeded }) else { return nil }
        let outputs = try store.run(run.id).outputs
        let sha = FileHash.sha256(identity)
        let inputsPath = layout.relative(layout.limitsFiles.inputs)
        guard outputs.contains(where: { $0.path == inputsPath && $0.sha256 == sha }) else { return nil }
        for url in layout.limitsFiles.all {
            let path = layout.relative(url)
            guard let recorded = outputs.last(where: { $0.path == path }), FileManager.default.fileExists(atPath: url.path),
                  try FileHash.sha256(file: url) == recorded.sha256 else { return nil }
        }
        return run.id
    }
}

struct LimitsStep: Step {
    let plan: LimitsPlan
    let pairsArgument: String?
    let poisArgument: String?
    let threads: Int
    let log: (String) -> Void

    var command: String { "limits" }
    var replay: [String]? { ["limits"] + (pairsArgument.map { ["--pairs", $0] } ?? []) + (poisArgument.map { ["--pois", $0] } ?? []) }

    struct Value {
        var report: LimitsReport
        var caches: [(String, CoefficientCache.Entry)]
    }

    func run(_ context: StepContext) throws -> Value {
        let layout = context.layout
        let arrays = try LimitsArrays.build(plan, layout: layout, store: context.store, threads: threads, log: log)
        let model = try arrays.model(plan)
        log("model: \(model.eventCount) held-out events of \(arrays.fiducialEvents), POIs \(plan.pois.joined(separator: ", ")), nuisances \(model.parameterNames.dropFirst(plan.pois.count).joined(separator: ", ")); pairs \(plan.pairNames.joined(separator: ", "))")
        let report: LimitsReport
        do { report = try LimitsRun.run(model: model, pairs: plan.pairs, threads: threads, progress: log) } catch let InferenceError.nonPositiveRate(_, event, rate) {
            // The engine counts the events it sums; the user knows the sample's rows.
            throw try arrays.nonPositiveRate(event: event, rate: rate, layout: layout, surrogate: plan.smeft)
        }
        let files = layout.limitsFiles
        try FileManager.default.createDirectory(at: files.folder, withIntermediateDirectories: true)
        // The files hold results only: wall times differ on every run and would make a
        // reproduction differ (they are in `limits --json` and in the run's record).
        var timeless = report
        timeless.seconds = [:]
        func write(_ data: Data, _ url: URL, _ kind: ArtifactKind) throws -> HashedFile { try layout.write(data, to: url, kind: kind) }
        let outputs = [
            try write(plan.identityBytes, files.inputs, .report),
            try write(LimitsWriters.json(timeless), files.json, .report),
            try write(Data(LimitsWriters.intervalsCSV(report).utf8), files.intervalsCSV, .report),
            try write(Data(LimitsWriters.contoursCSV(report).utf8), files.contoursCSV, .report),
            try write(Data(LimitsWriters.breakdownCSV(report).utf8), files.breakdownCSV, .report),
            try write(Data(ContourFigure.svg(report.contours).utf8), files.contoursSVG, .plot),
            try write(Data(LimitsTables.breakdown(report).utf8), files.breakdownTable, .report),
            try write(Data(LimitsTables.breakdownChart(report).render().utf8), files.breakdownSVG, .plot),
        ]
        try context.record(outputs: arrays.caches.map(\.file) + outputs)
        return Value(report: report, caches: zip([plan.smeft.name] + plan.systematics.map(\.name), arrays.caches).map { ($0.0, $0.1) })
    }
}

/// The breakdown (section 7.8, what Combine users read) as a table and a bar chart.
public enum LimitsTables {
    /// Per POI, the 95% CL interval with everything profiled, everything frozen and each
    /// systematic frozen in turn, ranked by the width it costs.
    public static func breakdown(_ report: LimitsReport) -> String {
        var lines = ["# Systematics breakdown (95% CL, other POIs profiled)", "",
                     "Width relative to all nuisances profiled; impact = √(1 − ratio²), the share of the width the frozen factor accounts for in quadrature.", "",
                     "| POI | frozen | interval | width | relative width | impact |", "|---|---|---|---|---|---|"]
        for poi in report.model.pois {
            let rows = report.breakdown.filter { $0.poi == poi }
            let fixed = rows.filter { $0.frozen == "none" || $0.frozen == "all" }
            let ranked = rows.filter { $0.frozen != "none" && $0.frozen != "all" }.sorted { $0.impact > $1.impact }
            for row in fixed + ranked {
                let name = row.frozen == "none" ? "nothing (all profiled)" : row.frozen == "all" ? "all nuisances" : row.frozen
                lines.append("| \(poi) | \(name) | [\(String(format: "%.4g", row.lower)), \(String(format: "%.4g", row.upper))] | \(String(format: "%.4g", row.width)) | \(String(format: "%.3f", row.relativeWidth)) | \(String(format: "%.3f", row.impact)) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One group per POI, one bar per frozen factor (and "all"): the impact on the 95% width.
    public static func breakdownChart(_ report: LimitsReport) -> BarChart {
        let groups = report.model.pois.map { poi in
            BarChart.Group(label: poi, bars: report.breakdown.filter { $0.poi == poi && $0.frozen != "none" }
                .map { BarChart.Bar(label: $0.frozen == "all" ? "all nuisances" : $0.frozen, value: $0.impact) })
        }
        return BarChart(title: "Impact of each systematic on the 95% CL interval (frozen in turn)",
                        xLabel: "impact √(1 − (width frozen / width profiled)²)", groups: groups)
    }
}
