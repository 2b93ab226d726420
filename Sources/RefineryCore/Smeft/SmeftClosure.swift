import BoostedParametricTree
import Charts
import EventData
import Foundation

/// Closure of the SMEFT surrogate on the held-out nominal events (figure 4's ratios): for each
/// observable and each closure point θ (θ_a = ±1, the other POIs 0), the ratio to the SM of
/// the exact per-event reweighting w_i R_i(θ) (eq. A.1 with the sample's coefficients, dashed)
/// and of the surrogate w_i R̂(x_i|θ) (eq. 67, solid).
///
/// Criterion (docs/closure.md, "The SMEFT surrogate"): the BPT's, |R̂ − R| ≤ 3σ + 0.005 in every
/// populated bin (≥ 200 held-out and ≥ 200 training events), with σ the statistical precision
/// of the *difference* R̂ − R. Two independent samples enter it:
/// - the held-out events, on which both ratios are summed: σ_H² = Σ_i w_i² (d_i − D)² / (Σ_i w_i)²
///   with d_i = R̂(x_i|θ) − R_i(θ) and D = R̂ − R the bin's difference (the same events enter
///   both sums, so only the spread of the per-event difference fluctuates);
/// - the training events, whose fluctuations the surrogate learned:
///   σ_T² = Σ_j w_j² (R_j − R_T)² / (Σ_j w_j)², the precision of the exact ratio R_T of the same
///   bin on the training events.
/// σ² = σ_H² + σ_T². The per-event coefficients are heavy-tailed (single events with R − 1 ≈ 13
/// at θ_a = 1 in a bin of 10³ events at demo size), and a surrogate trained on such an event
/// carries it into its bin; σ_H alone does not know that.
public enum SmeftClosure {
    /// Events of one part of the split: row-major x, weights, row-major coefficients (× K).
    struct Events {
        var x: [Double]
        var w: [Double]
        var coefficients: [Double]
        var count: Int { w.count }
    }

    /// The fiducial nominal events split by the workspace's held-out split: (training, held-out).
    static func parts(nominal: NominalEvents, sample: SmeftSample, split: HeldOutSplit, outputs k: Int) -> (Events, Events) {
        let (trainRows, heldRows) = split.partition(count: nominal.w.count)
        func part(_ indices: [Int]) -> Events {
            var x: [Double] = [], r: [Double] = []
            x.reserveCapacity(indices.count * nominal.width)
            r.reserveCapacity(indices.count * k)
            for i in indices {
                x.append(contentsOf: nominal.x[(i * nominal.width)..<((i + 1) * nominal.width)])
                r.append(contentsOf: sample.coefficients[(i * k)..<((i + 1) * k)])
            }
            return Events(x: x, w: indices.map { nominal.w[$0] }, coefficients: r)
        }
        return (part(trainRows), part(heldRows))
    }

    /// The closure of a BIT model file on `workspace`'s nominal sample, judged exactly as
    /// `refinery train` judges the SMEFT surrogate it trains: on the held-out part of the
    /// workspace's split, with the training part's precision. For a surrogate made elsewhere
    /// (`refinery fit`) or altered; its POIs must be the sample's.
    public static func check(_ workspace: Workspace, model url: URL, threads: Int) throws -> ClosureReport {
        let model: BITModel
        do { model = try BITModel(decoding: Array(Data(contentsOf: url))) } catch {
            throw LimitsError.unreadable(path: url.path, reason: (error as? LocalizedError)?.errorDescription ?? "\(error)",
                                         command: "refinery train -w \(workspace.root.path) --only \(WorkspaceConfig.SmeftSection.surrogateName)")
        }
        var plan = try SmeftPlan.resolve(workspace, trees: nil)
        for (i, poi) in model.poiNames.enumerated() where !plan.samplePOIs.contains(poi) {
            throw SmeftError.unknownPOI(config: url.path, field: "poiNames[\(i)]", poi: poi,
                                        sample: workspace.layout.nominalSample.appendingPathComponent(DataSetManifest.fileName).path,
                                        known: plan.samplePOIs)
        }
        plan.pois = model.poiNames
        let nominal = try NominalEvents(workspace.layout.nominalSample)
        let sample = try SmeftSample(workspace.layout.nominalSample, plan: plan)
        let (training, heldOut) = parts(nominal: nominal, sample: sample, split: plan.heldOut,
                                        outputs: SmeftColumns.count(plan.pois.count))
        return run(name: plan.name, model: model, heldOut: heldOut, training: training, poiNames: plan.pois,
                   points: plan.closurePoints, names: nominal.names, threads: threads)
    }

    static func run(name: String, model: BITModel, heldOut: Events, training: Events, poiNames: [String],
                    points: [[Double]], names: [String], threads: Int) -> ClosureReport {
        let width = names.count
        let n = heldOut.count
        let total = heldOut.w.reduce(0, +)
        func exact(_ part: Events, _ theta: [Double]) -> [Double] {
            let r = SmeftColumns.ratio(part.coefficients, poiCount: poiNames.count, theta: theta)
            return (0..<part.count).map { part.w[$0] * r[$0] }
        }
        let exactHeld = points.map { exact(heldOut, $0) }
        let exactTraining = points.map { exact(training, $0) }
        let predicted: [[Double]] = model.predict(x: heldOut.x, count: n, thetas: points, threads: threads).map { r in
            (0..<n).map { heldOut.w[$0] * r[$0] }
        }
        // Observables are independent: binned concurrently, each into its own entry.
        let ratios = ParallelExecutor(threads: threads).map(width) { f -> ClosureReport.ObservableRatios in
            let column = (0..<n).map { heldOut.x[$0 * width + f] }
            let edges = ClosureCheck.binEdges(column, bins: 20)
            let held = Part(column: column, w: heldOut.w, edges: edges)
            let trained = Part(column: (0..<training.count).map { training.x[$0 * width + f] }, w: training.w, edges: edges)
            var entry = ClosureReport.ObservableRatios(
                observable: names[f], edges: edges, data: [], prediction: [], sigma: [],
                populated: zip(held.counts, trained.counts).map { min($0, $1) >= ClosureReport.minimumEvents })
            for k in points.indices {
                let data = held.ratio(exactHeld[k]), prediction = held.ratio(predicted[k])
                let difference = zip(predicted[k], exactHeld[k]).map { $0 - $1 }
                let sigmaHeld = held.sigma(difference, ratio: zip(prediction, data).map { $0 - $1 })
                let sigmaTraining = trained.sigma(exactTraining[k], ratio: trained.ratio(exactTraining[k]))
                entry.data.append(data)
                entry.prediction.append(prediction)
                entry.sigma.append(zip(sigmaHeld, sigmaTraining).map { ($0 * $0 + $1 * $1).squareRoot() })
            }
            return entry
        }
        let rows: [ClosureReport.BasePoint] = points.indices.map { k in
            .judged(k, nu: points[k], ratios: ratios, yieldChangeData: exactHeld[k].reduce(0, +) / total - 1,
                    yieldChangePrediction: predicted[k].reduce(0, +) / total - 1)
        }
        return ClosureReport(systematic: name, basePoints: rows, ratios: ratios)
    }

    /// One part of the split binned in one observable: each event's bin, the summed weights.
    struct Part {
        var w: [Double]
        var bins: [Int?]
        var sums: [Double]
        var counts: [Int]

        init(column: [Double], w: [Double], edges: [Double]) {
            self.w = w
            let histogram = Histogram1D(edges: edges)
            bins = column.map { histogram.bin(of: $0) }
            sums = [Double](repeating: 0, count: edges.count - 1)
            counts = [Int](repeating: 0, count: edges.count - 1)
            for (i, b) in bins.enumerated() { if let b { sums[b] += w[i]; counts[b] += 1 } }
        }

        /// Σ_bin v_i / Σ_bin w_i for per-event weighted values v_i = w_i y_i.
        func ratio(_ values: [Double]) -> [Double] {
            var s = [Double](repeating: 0, count: sums.count)
            for (i, b) in bins.enumerated() { if let b { s[b] += values[i] } }
            return s.indices.map { sums[$0] > 0 ? s[$0] / sums[$0] : .nan }
        }

        /// The statistical precision of the bin ratio of weighted values v_i = w_i y_i:
        /// √(Σ_bin (v_i − ratio · w_i)²) / Σ_bin w_i; infinite in an empty bin.
        func sigma(_ values: [Double], ratio: [Double]) -> [Double] {
            var spread = [Double](repeating: 0, count: sums.count)
            for (i, b) in bins.enumerated() {
                guard let b, ratio[b].isFinite else { continue }
                let residual = values[i] - ratio[b] * w[i]
                spread[b] += residual * residual
            }
            return spread.indices.map { sums[$0] > 0 ? spread[$0].squareRoot() / sums[$0] : .infinity }
        }
    }

    /// "ctGRe=+1" for a closure point.
    static func label(_ theta: [Double], poiNames: [String]) -> String {
        let named = theta.indices.filter { theta[$0] != 0 }.map { "\(poiNames[$0])=\(String(format: "%+g", theta[$0]))" }
        return named.isEmpty ? "SM" : named.joined(separator: ",")
    }

    /// One panel per observable, one colour per closure point: exact (dashed), surrogate (solid).
    static func figure(_ report: ClosureReport, units: [String], poiNames: [String]? = nil) -> SVGFigure {
        let names = poiNames ?? report.basePoints.first.map { p in p.nu.indices.map { "θ\($0)" } } ?? []
        let panels = report.ratios.enumerated().map { f, entry -> Panel in
            var series: [StepSeries] = []
            for (k, point) in report.basePoints.enumerated() {
                let text = label(point.nu, poiNames: names)
                series.append(StepSeries(label: "\(text) exact", color: Palette.color(k + 1), dashed: true, edges: entry.edges, values: entry.data[k]))
                series.append(StepSeries(label: "\(text) BIT\(point.closes ? "" : " ✗ closure not met")", color: Palette.color(k + 1),
                                         edges: entry.edges, values: entry.prediction[k]))
            }
            let unit = f < units.count && !units[f].isEmpty ? " [\(units[f])]" : ""
            return Panel(title: entry.observable, xLabel: entry.observable + unit, yLabel: "ratio to SM", series: series, reference: 1)
        }
        let failing = report.basePoints.filter { !$0.closes }.count
        let verdict = failing == 0 ? "" : "; ✗ closure criterion not met at \(failing) point\(failing == 1 ? "" : "s")"
        return SVGFigure(title: "\(report.systematic): exact per-event reweighting (dashed) and BIT surrogate (solid) on held-out events, ratio to SM\(verdict)",
                         panels: panels)
    }

    static func table(_ report: ClosureReport, poiNames: [String]) -> String {
        var lines = ["# Closure of the SMEFT surrogate (\(report.systematic))", "",
                     "On held-out nominal events. Criterion: |R̂ − R_exact| ≤ 3σ + \(ClosureReport.allowance) in every bin with ≥ \(ClosureReport.minimumEvents) held-out and training events, σ² = σ²(held-out R̂ − R_exact) + σ²(training R_exact): the surrogate learned the training events' fluctuations (docs/closure.md).", "",
                     "| point | yield change (exact) | yield change (BIT) | worst |Δratio| | where | worst pull | largest effect | closes |",
                     "|---|---|---|---|---|---|---|---|"]
        for row in report.basePoints {
            lines.append("| \(label(row.nu, poiNames: poiNames)) | \(ClosureCheck.percent(row.yieldChangeData)) | \(ClosureCheck.percent(row.yieldChangePrediction)) | \(String(format: "%.4f", row.worstDifference)) | \(row.worstObservable) | \(String(format: "%.2f", row.worstPull)) | \(ClosureCheck.percent(row.largestEffect)) | \(row.closes ? "yes" : "NO") |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
