import BoostedParametricTree
import Charts
import Foundation

/// Closure of the SMEFT surrogate on the held-out nominal events (figure 4's ratios): for each
/// observable and each closure point θ (θ_a = ±1, the other POIs 0), the ratio to the SM of
/// the exact per-event reweighting w_i R_i(θ) (eq. A.1 with the sample's coefficients, dashed)
/// and of the surrogate w_i R̂(x_i|θ) (eq. 67, solid).
///
/// Criterion (docs/closure.md): the criterion of a reweighting systematic — the same events
/// enter both sums, so the statistical precision of the exact ratio in a bin is that of the
/// per-event factors around it, σ² = Σ_i (w_i R_i − R w_i)² / (Σ_i w_i)² — and in every
/// populated bin (≥ 200 held-out events) |R̂ − R| ≤ 3σ + 0.005.
enum SmeftClosure {
    static func run(name: String, model: BITModel, x: [Double], w: [Double], coefficients: [Double], poiNames: [String],
                    points: [[Double]], names: [String], threads: Int) -> ClosureReport {
        let width = names.count
        let n = w.count
        let total = w.reduce(0, +)
        let exact: [[Double]] = points.map { theta in
            let r = SmeftColumns.ratio(coefficients, poiCount: poiNames.count, theta: theta)
            return (0..<n).map { w[$0] * r[$0] }
        }
        let predicted: [[Double]] = points.map { theta in
            let r = model.predict(x: x, count: n, theta: theta, threads: threads)
            return (0..<n).map { w[$0] * r[$0] }
        }
        var ratios: [ClosureReport.ObservableRatios] = []
        for f in 0..<width {
            let column = (0..<n).map { x[$0 * width + f] }
            let edges = ClosureCheck.binEdges(column, bins: 20)
            var nominal = Histogram1D(edges: edges)
            var counts = [Int](repeating: 0, count: edges.count - 1)
            let bins = column.map { nominal.bin(of: $0) }
            for i in 0..<n {
                nominal.fill(column[i], weight: w[i])
                if let b = bins[i] { counts[b] += 1 }
            }
            var entry = ClosureReport.ObservableRatios(observable: names[f], edges: edges, data: [], prediction: [], sigma: [],
                                                       populated: counts.map { $0 >= ClosureReport.minimumEvents })
            for k in points.indices {
                var data = Histogram1D(edges: edges), prediction = Histogram1D(edges: edges)
                for i in 0..<n {
                    data.fill(column[i], weight: exact[k][i])
                    prediction.fill(column[i], weight: predicted[k][i])
                }
                let dataRatio = data.ratio(to: nominal)
                var spread = [Double](repeating: 0, count: dataRatio.count)
                for i in 0..<n {
                    guard let b = bins[i], dataRatio[b].isFinite else { continue }
                    let residual = exact[k][i] - dataRatio[b] * w[i]
                    spread[b] += residual * residual
                }
                entry.data.append(dataRatio)
                entry.prediction.append(prediction.ratio(to: nominal))
                entry.sigma.append(spread.indices.map { nominal.sums[$0] > 0 ? sqrt(spread[$0]) / nominal.sums[$0] : .infinity })
            }
            ratios.append(entry)
        }
        let rows: [ClosureReport.BasePoint] = points.indices.map { k in
            var worst = 0.0, worstName = "", worstPull = 0.0, effect = 0.0
            for entry in ratios {
                for b in entry.populated.indices where entry.populated[b] {
                    let difference = abs(entry.prediction[k][b] - entry.data[k][b])
                    guard difference.isFinite else { continue }
                    if difference > worst { worst = difference; worstName = entry.observable }
                    worstPull = max(worstPull, difference / (3 * entry.sigma[k][b] + ClosureReport.allowance))
                    effect = max(effect, abs(entry.data[k][b] - 1))
                }
            }
            return .init(nu: points[k], yieldChangeData: exact[k].reduce(0, +) / total - 1,
                         yieldChangePrediction: predicted[k].reduce(0, +) / total - 1,
                         worstDifference: worst, worstObservable: worstName, worstPull: worstPull, largestEffect: effect)
        }
        return ClosureReport(systematic: name, basePoints: rows, ratios: ratios)
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
                     "On held-out nominal events. Criterion: |R̂ − R_exact| ≤ 3σ_stat + \(ClosureReport.allowance) in every populated bin (docs/closure.md).", "",
                     "| point | yield change (exact) | yield change (BIT) | worst |Δratio| | where | worst pull | largest effect | closes |",
                     "|---|---|---|---|---|---|---|---|"]
        for row in report.basePoints {
            lines.append("| \(label(row.nu, poiNames: poiNames)) | \(ClosureCheck.percent(row.yieldChangeData)) | \(ClosureCheck.percent(row.yieldChangePrediction)) | \(String(format: "%.4f", row.worstDifference)) | \(row.worstObservable) | \(String(format: "%.2f", row.worstPull)) | \(ClosureCheck.percent(row.largestEffect)) | \(row.closes ? "yes" : "NO") |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
