import EventData
import Foundation

/// Summary of a data set for `refinery inspect`: size, weights, fiducial cross-section and
/// per-observable weighted means and quantiles.
public struct InspectionReport: Codable, Equatable, Sendable {
    public struct Feature: Codable, Equatable, Sendable {
        public var name: String
        public var unit: String
        public var mean: Double
        /// Weighted quantiles at `quantileLevels`.
        public var quantiles: [Double]
        /// For a reweighting data set: the nominal sample's mean, for comparison.
        public var nominalMean: Double?
    }

    /// A reweighting data set (eq. 31) holds only weights for the nominal sample's fiducial
    /// events, in order: it is shown on the nominal's observables, against the nominal.
    public struct Reweighting: Codable, Equatable, Sendable {
        public var nominal: String
        public var nominalFiducialCrossSectionPb: Double
        /// σ_fid of this data set over the nominal's.
        public var yieldRatio: Double
    }

    public static let quantileLevels = [0.05, 0.25, 0.5, 0.75, 0.95]

    public var path: String
    public var name: String
    public var kind: String
    public var events: Int
    public var fiducialEvents: Int
    public var sumOfWeights: Double
    /// Sum of weights of the events that pass the nominal selection, in pb.
    public var fiducialCrossSectionPb: Double
    public var negativeWeightFraction: Double
    public var quantileLevels: [Double]
    public var features: [Feature]
    public var reweighting: Reweighting?
}

public enum Inspection {
    /// Reads a data set (verifying hashes) and summarizes its fiducial events.
    public static func inspect(_ url: URL) throws -> InspectionReport {
        let dataSet = try DataSet.open(url)
        if dataSet.manifest.column(named: "x") == nil { return try inspectReweighting(dataSet) }
        let (xShape, x) = try dataSet.read("x", as: Double.self)
        let (_, w) = try dataSet.read("w", as: Double.self)
        let fiducial: [UInt8] = dataSet.manifest.column(named: "fiducial") != nil
            ? try dataSet.read("fiducial", as: UInt8.self).values
            : Array(repeating: 1, count: dataSet.count)
        return summarize(dataSet, x: x, width: xShape.count > 1 ? xShape[1] : 1, w: w, fiducial: fiducial,
                         column: dataSet.manifest.column(named: "x"))
    }

    /// Weights for the nominal fiducial events: the nominal sample of the workspace the data
    /// set belongs to gives the observables.
    static func inspectReweighting(_ dataSet: DataSet) throws -> InspectionReport {
        guard let root = Workspace.discover(from: dataSet.url) else {
            throw EventDataError.manifest(path: dataSet.url.appendingPathComponent(DataSetManifest.fileName).path,
                reason: "this data set holds only weights for a nominal sample's fiducial events (eq. 31), and no workspace above it holds that sample; inspect it inside its workspace")
        }
        let nominalURL = WorkspaceLayout(root: root).nominalSample
        let nominal = try DataSet.open(nominalURL)
        let (xShape, xAll) = try nominal.read("x", as: Double.self)
        let wAll = try nominal.read("w", as: Double.self).values
        let passes = try nominal.read("fiducial", as: UInt8.self).values
        let width = xShape.count > 1 ? xShape[1] : 1
        let selected = (0..<nominal.count).filter { passes[$0] != 0 }
        let w = try dataSet.read("w", as: Double.self).values
        guard w.count == selected.count else {
            throw EventDataError.shapeMismatch(path: dataSet.url.appendingPathComponent("w.npy").path, shape: [w.count],
                                               expected: "(\(selected.count),): one weight per fiducial event of \(nominalURL.path)")
        }
        var x: [Double] = []
        x.reserveCapacity(selected.count * width)
        for i in selected { x.append(contentsOf: xAll[(i * width)..<((i + 1) * width)]) }
        let nominalW = selected.map { wAll[$0] }
        let ones = [UInt8](repeating: 1, count: selected.count)
        var report = summarize(dataSet, x: x, width: width, w: w, fiducial: ones, column: nominal.manifest.column(named: "x"))
        let reference = summarize(nominal, x: x, width: width, w: nominalW, fiducial: ones, column: nominal.manifest.column(named: "x"))
        for index in report.features.indices { report.features[index].nominalMean = reference.features[index].mean }
        report.reweighting = .init(nominal: nominalURL.path, nominalFiducialCrossSectionPb: reference.fiducialCrossSectionPb,
                                   yieldRatio: report.fiducialCrossSectionPb / reference.fiducialCrossSectionPb)
        return report
    }

    static func summarize(_ dataSet: DataSet, x: [Double], width: Int, w: [Double], fiducial: [UInt8],
                          column: DataSetManifest.Column?) -> InspectionReport {
        let url = dataSet.url
        let n = w.count
        let names = column?.names ?? (0..<width).map { "x\($0)" }
        let units = column?.units ?? Array(repeating: "", count: width)
        let selected = (0..<n).filter { fiducial[$0] != 0 }
        let fiducialSum = selected.reduce(0.0) { $0 + w[$1] }
        var features: [InspectionReport.Feature] = []
        for f in 0..<width {
            var pairs = selected.map { (x[$0 * width + f], w[$0]) }
            let total = pairs.reduce(0.0) { $0 + $1.1 }
            let mean = total != 0 ? pairs.reduce(0.0) { $0 + $1.0 * $1.1 } / total : .nan
            pairs.sort { $0.0 < $1.0 }
            features.append(.init(name: names[f], unit: units[f], mean: mean,
                                  quantiles: weightedQuantiles(sorted: pairs, total: total, levels: InspectionReport.quantileLevels)))
        }
        return InspectionReport(path: url.path, name: dataSet.manifest.name, kind: dataSet.manifest.kind, events: n,
                                fiducialEvents: selected.count, sumOfWeights: w.reduce(0, +),
                                fiducialCrossSectionPb: fiducialSum,
                                negativeWeightFraction: n > 0 ? Double(w.filter { $0 < 0 }.count) / Double(n) : 0,
                                quantileLevels: InspectionReport.quantileLevels, features: features, reweighting: nil)
    }

    /// Quantiles of a weighted sample sorted by value: the first value whose cumulative
    /// weight reaches `level × total`.
    static func weightedQuantiles(sorted: [(Double, Double)], total: Double, levels: [Double]) -> [Double] {
        guard !sorted.isEmpty, total > 0 else { return levels.map { _ in .nan } }
        var result: [Double] = []
        var cumulative = 0.0
        var index = 0
        for level in levels {
            let target = level * total
            while index < sorted.count - 1 && cumulative + sorted[index].1 < target {
                cumulative += sorted[index].1
                index += 1
            }
            result.append(sorted[index].0)
        }
        return result
    }
}

extension InspectionReport {
    /// The human-readable table `refinery inspect` prints.
    public var text: String {
        var lines = [
            "data set     \(path)",
            "name         \(name) (\(kind))",
            "events       \(events) stored, \(fiducialEvents) pass the nominal selection",
            "Σ w          \(String(format: "%.6g", sumOfWeights)) pb (all stored events)",
            "σ_fid        \(String(format: "%.6g", fiducialCrossSectionPb)) pb (events passing the selection)",
            "w < 0        \(String(format: "%.2f", 100 * negativeWeightFraction)) % of events",
        ]
        if let reweighting {
            lines.append("reweighting  weights for the fiducial events of \(reweighting.nominal) (eq. 31): σ_fid / σ_fid(nominal) = \(String(format: "%.5f", reweighting.yieldRatio)) (nominal \(String(format: "%.6g", reweighting.nominalFiducialCrossSectionPb)) pb)")
        }
        lines.append("")
        let levels = quantileLevels.map { String(format: "q%02.0f", $0 * 100) }
        let nominalColumn = reweighting == nil ? "" : pad("nominal mean", 13)
        lines.append(pad("observable", 14) + pad("unit", 6) + pad("mean", 11) + nominalColumn + levels.map { pad($0, 11) }.joined())
        for feature in features {
            let nominal = reweighting == nil ? "" : pad(feature.nominalMean.map(number) ?? "-", 13)
            lines.append(pad(feature.name, 14) + pad(feature.unit, 6) + pad(number(feature.mean), 11) + nominal
                         + feature.quantiles.map { pad(number($0), 11) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private func number(_ value: Double) -> String { String(format: "%.4g", value) }
}
