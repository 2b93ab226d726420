import EventData
import Foundation

/// A validated D(ν), the rows that enter training: observables (nil = the nominal fiducial
/// events', see `ReweightedDataContract`) and weights.
struct SyntheticDataSet {
    var weights: [Double]
    var observables: [Double]?
    /// Calibration only: the nominal event of each row (``RecalibratedDataContract``).
    var events: [Int64]?
    var xWidth: Int

    /// Writes D(ν) as a data set folder.
    func write(to url: URL, systematic: String, plugin: String, kind: SystematicKind, nu: [Double], nominal: LoadedSample) throws {
        var writer = DataSetWriter(name: url.lastPathComponent, kind: "synthetic", count: weights.count, seed: nil,
                                   configuration: .object(["systematic": .string(systematic), "plugin": .string(plugin)]))
        writer.attributes = [
            "nu": .array(nu.map { .number($0) }),
            "systematic": .string(systematic),
            "pluginKind": .string(kind.rawValue),
            "observables": .string(observables == nil ? ReweightedDataContract.observablesAttribute : "own"),
        ]
        if let observables {
            writer.add("x", values: observables, shape: [weights.count, xWidth], names: nominal.xNames,
                       units: nil, description: "observables of D(ν)")
        }
        if let events {
            writer.add(RecalibratedDataContract.eventColumn, values: events, shape: [events.count],
                       description: "index of the nominal sample's event (its row in x, w and fiducial) that each row recalibrates")
        }
        writer.add("w", values: weights, shape: [weights.count],
                   description: observables == nil ? "weights of D(ν) for the nominal fiducial events, in their order (eq. 31)"
                                                   : "weights of D(ν) (pb)")
        try writer.write(to: url, overwrite: true)
    }
}
