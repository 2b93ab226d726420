import EventData
import Foundation
import PluginHost

/// The nominal sample's fiducial events, as the learner and the closure check need them.
struct NominalEvents {
    var x: [Double]
    var w: [Double]
    var width: Int
    var names: [String]
    var units: [String]
    var seed: UInt64
    /// The nominal event index of each fiducial row (``RecalibratedDataContract``).
    var events: [Int]
    /// The closure's binning of these events, shared by every copy (``ClosureNominalBins``).
    let closureBins = ClosureNominalBins()

    /// Events already in memory (tests; every run reads them with ``init(_:)``).
    init(x: [Double], w: [Double], width: Int, names: [String], units: [String], seed: UInt64, events: [Int]) {
        (self.x, self.w, self.width, self.names, self.units, self.seed, self.events) = (x, w, width, names, units, seed, events)
    }

    init(_ url: URL) throws {
        let nominal = try DataSet.open(url)
        let (xShape, xAll) = try nominal.read("x", as: Double.self)
        let wAll = try nominal.read("w", as: Double.self).values
        let fiducial = try nominal.read("fiducial", as: UInt8.self).values
        width = xShape[1]
        // The rows a reweighted D(ν)'s weights belong to: the contract the validator wrote them by.
        x = ReweightedDataContract.fiducialRows(xAll, width: width, fiducial: fiducial)
        w = ReweightedDataContract.fiducialRows(wAll, fiducial: fiducial)
        events = RecalibratedDataContract.fiducialEvents(fiducial: fiducial)
        names = nominal.manifest.column(named: "x")?.names ?? (0..<width).map { "x\($0)" }
        units = nominal.manifest.column(named: "x")?.units ?? Array(repeating: "", count: width)
        seed = nominal.manifest.seed ?? 0
    }
}

/// The nominal events read once per `train` run and shared by its steps: every systematic and
/// the SMEFT surrogate learn from the same 10⁶ nominal events, and reading (and verifying) the
/// sample once per step was a tenth of a paper-scale `train`. Keyed by the manifest's SHA-256
/// that the step's inputs were hashed with, so a sample replaced during the run is read again
/// (and the step's after-check reports the change).
final class NominalEventsCache: @unchecked Sendable {
    private var cached: (manifestSHA256: String, events: NominalEvents)?
    private let lock = NSLock()

    func events(_ url: URL, manifestSHA256: String) throws -> NominalEvents {
        lock.lock()
        defer { lock.unlock() }
        if let cached, cached.manifestSHA256 == manifestSHA256 { return cached.events }
        cached = nil  // free the old events before reading the new ones
        let events = try NominalEvents(url)
        cached = (manifestSHA256, events)
        return events
    }
}
