import Charts
import Foundation
import Validation

/// Figure 10 for each base point: the permutation null's accuracies (histogram, black), the
/// binomial null's density scaled to the histogram (grey, dashed), the accuracy with the
/// surrogate's reweighting (orange, solid) and without it (orange, dashed).
enum C2STFigure {
    static func figure(_ report: C2STReport) -> SVGFigure {
        let panels = report.basePoints.map { point -> Panel in
            let t = point.test
            let marks = [t.accuracy] + (t.accuracyUnreweighted.map { [$0] } ?? []) + t.nullAccuracies
            let sd = max(t.binomialSD, 1e-6)
            let low = min(marks.min() ?? 0.5, 0.5 - 4 * sd), high = max(marks.max() ?? 0.5, 0.5 + 4 * sd)
            let pad = 0.05 * (high - low)
            let bins = 30
            var histogram = Histogram1D(bins: bins, low: low - pad, high: high + pad)
            for a in t.nullAccuracies { histogram.fill(a, weight: 1) }
            let edges = histogram.edges
            let width = edges[1] - edges[0]
            // Expected counts per bin under the binomial null (normal approximation), for K classifiers.
            let k = Double(max(t.nullAccuracies.count, 1))
            let density = (0..<bins).map { i -> Double in
                let c = 0.5 * (edges[i] + edges[i + 1])
                return k * width * exp(-0.5 * pow((c - 0.5) / sd, 2)) / (sd * (2 * Double.pi).squareRoot())
            }
            let top = max(histogram.sums.max() ?? 1, density.max() ?? 1, 1) * 1.15
            func line(_ at: Double) -> [Double] { (0..<bins).map { edges[$0] <= at && at < edges[$0 + 1] ? top : 0 } }
            var series = [
                StepSeries(label: "null (\(t.nullAccuracies.count) permuted)", color: "#000000", edges: edges, values: histogram.sums),
                StepSeries(label: "binomial null, n_eff", color: "#999999", dashed: true, edges: edges, values: density),
                StepSeries(label: String(format: "reweighted %.4f", t.accuracy), color: "#E69F00", edges: edges, values: line(t.accuracy)),
            ]
            if let plain = t.accuracyUnreweighted {
                series.append(StepSeries(label: String(format: "unreweighted %.4f", plain), color: "#E69F00", dashed: true,
                                         edges: edges, values: line(plain)))
            }
            let nu = point.nu.map { String(format: "%g", $0) }.joined(separator: ",")
            return Panel(title: "ν = (\(nu)): \(point.passed ? "pass" : "FAIL")", xLabel: "weighted accuracy", yLabel: "classifiers",
                         series: series, yRange: 0...top)
        }
        return SVGFigure(title: "\(report.systematic): classifier two-sample test (section 7.6, figure 10)", panels: panels,
                         columns: min(4, max(panels.count, 1)))
    }
}
