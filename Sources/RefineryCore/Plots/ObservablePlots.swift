import Charts
import EventData
import Provenance
import Foundation

/// Figure 4 of the paper: the 14 observables for the SM and for each Wilson coefficient set
/// to a non-zero value, from the per-event SMEFT weights w(θ) = w (1 + θ_m r_m + θ_m θ_n r_mn).
public enum ObservablePlots {
    /// Writes `observables.svg` (distributions) and `observables-ratio.svg` (ratio to the SM)
    /// into `directory`; returns their URLs.
    public static func write(nominal url: URL, layout: WorkspaceLayout, strength: Double = 1) throws -> [HashedFile] {
        let dataSet = try DataSet.open(url)
        let (shape, x) = try dataSet.read("x", as: Double.self)
        let w = try dataSet.read("w", as: Double.self).values
        let (smeftShape, smeft) = try dataSet.read("smeft", as: Double.self)
        let fiducial = try dataSet.read("fiducial", as: UInt8.self).values
        let names = dataSet.manifest.column(named: "x")?.names ?? []
        let units = dataSet.manifest.column(named: "x")?.units ?? []
        let pois: [String] = {
            if case let .array(values)? = dataSet.manifest.attributes["pois"] { return values.compactMap(\.stringValue) }
            return []
        }()
        let width = shape[1], nCoefficients = smeftShape[1], nPOI = pois.count
        let events = (0..<dataSet.count).filter { fiducial[$0] != 0 }

        // Per-event weight at θ = value·e_k for each POI k: w (1 + v r_k + v² r_kk).
        func quadraticIndex(_ k: Int) -> Int {  // r_kk in the upper-triangle order m ≤ n
            var index = nPOI
            for m in 0..<k { index += nPOI - m }
            return index
        }
        precondition(nCoefficients >= quadraticIndex(nPOI - 1) + 1, "smeft column has too few coefficients")
        let labels = ["SM"] + pois.map { "\($0) = \(String(format: "%g", strength))" }
        var distributionPanels: [Panel] = []
        var ratioPanels: [Panel] = []
        for f in 0..<width {
            let values = events.map { x[$0 * width + f] }
            let sorted = values.sorted()
            let low = sorted[Int(0.005 * Double(sorted.count - 1))], high = sorted[Int(0.995 * Double(sorted.count - 1))]
            var histograms = labels.map { _ in Histogram1D(bins: 30, low: low, high: high) }
            for event in events {
                let value = x[event * width + f]
                let theta = strength
                histograms[0].fill(value, weight: w[event])
                for k in 0..<nPOI {
                    let row = event * nCoefficients
                    let factor = 1 + theta * smeft[row + k] + theta * theta * smeft[row + quadraticIndex(k)]
                    histograms[k + 1].fill(value, weight: w[event] * factor)
                }
            }
            let unit = f < units.count && !units[f].isEmpty ? " [\(units[f])]" : ""
            let name = f < names.count ? names[f] : "x\(f)"
            let edges = histograms[0].edges
            distributionPanels.append(Panel(
                title: name, xLabel: name + unit, yLabel: "σ per bin [fb]",
                series: histograms.enumerated().map { StepSeries(label: labels[$0.offset], color: Palette.color($0.offset),
                                                                 edges: edges, values: $0.element.sums.map { $0 * 1000 }) }))
            ratioPanels.append(Panel(
                title: name, xLabel: name + unit, yLabel: "ratio to SM",
                series: histograms.enumerated().map { StepSeries(label: labels[$0.offset], color: Palette.color($0.offset),
                                                                 edges: edges, values: $0.element.ratio(to: histograms[0])) },
                reference: 1))
        }
        try FileManager.default.createDirectory(at: layout.plots, withIntermediateDirectories: true)
        let figures = [
            (layout.observablePlot, SVGFigure(title: "tt̄(2ℓ) observables, SM and one Wilson coefficient at a time", panels: distributionPanels)),
            (layout.observableRatioPlot, SVGFigure(title: "Ratio to the SM, one Wilson coefficient at a time", panels: ratioPanels)),
        ]
        return try figures.map { url, figure in
            try layout.write(Data(figure.render().utf8), to: url, kind: .plot)
        }
    }
}

/// `refinery plots`: figure 4 of the paper for the workspace's nominal sample, as a step.
public struct PlotsStep: Step {
    public init() {}

    public var command: String { "plots" }
    public var replay: [String]? { ["plots"] }

    public func inputs(_ layout: WorkspaceLayout) throws -> [(URL, ArtifactKind)] {
        [(layout.nominalSample.appendingPathComponent(DataSetManifest.fileName), .sample)]
    }

    public func run(_ context: StepContext) throws -> [URL] {
        let files = try ObservablePlots.write(nominal: context.layout.nominalSample, layout: context.layout)
        try context.record(outputs: files)
        return files.map(\.url)
    }
}
