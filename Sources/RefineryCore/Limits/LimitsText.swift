import Foundation
import Inference

/// The summary `refinery limits` (and the demo) prints.
public enum LimitsText {
    public static func text(_ outcome: Limits.Outcome, layout: WorkspaceLayout) -> String {
        let report = outcome.report
        var lines = ["", outcome.status == .reused ? "limits reused (nothing they depend on changed)" : "limits computed in \(String(format: "%.1f", outcome.seconds)) s",
                     "\(report.model.events) held-out events, \(String(format: "%.0f", report.model.expectedEvents)) expected at L = \(report.model.luminosity) fb⁻¹; nuisances \(report.model.nuisances.joined(separator: ", "))",
                     "", "95% CL intervals (other POIs profiled):          nuisances profiled        frozen       width ratio"]
        for poi in report.model.pois {
            func interval(_ mode: NuisanceMode) -> IntervalResult? {
                report.intervals.first { $0.poi == poi && $0.level == 3.84 && $0.otherPOIs == "profiled" && $0.nuisances == mode && $0.frozenFactor == nil }
            }
            guard let p = interval(.profiled), let f = interval(.frozen) else { continue }
            let name = poi.padding(toLength: 10, withPad: " ", startingAt: 0)
            lines.append("  \(name) [\(String(format: "%+.4f", p.lower)), \(String(format: "%+.4f", p.upper))]   [\(String(format: "%+.4f", f.lower)), \(String(format: "%+.4f", f.upper))]   \(String(format: "%.2f", p.width / f.width))")
        }
        if !outcome.trainedOnSummedEvents.isEmpty {
            lines.append("note: \(outcome.trainedOnSummedEvents.joined(separator: ", ")) learned from the events the limits sum over (trained before the workspace declared a model); retrain them for unbiased limits")
        }
        lines.append("figure 11: \(layout.limitsFiles.contoursSVG.path)")
        lines.append("breakdown: \(layout.limitsFiles.breakdownTable.path), \(layout.limitsFiles.breakdownSVG.path)")
        lines.append("all results: \(layout.limitsFiles.json.path)")
        return lines.joined(separator: "\n")
    }
}
