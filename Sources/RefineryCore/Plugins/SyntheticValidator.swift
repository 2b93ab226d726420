import EventData
import Foundation
import RefineryPluginABI

/// Checks what a plugin returned before anything of it is kept: lengths, finiteness, signs.
///
/// Rules (docs/plugins.md): reweighting and calibration describe the nominal events, so they
/// return one weight per nominal event, finite, and never of the opposite sign to the nominal
/// weight (a reweighting factor is positive). Alternative samples are independent and may
/// carry individually negative weights (NLO), but their total must be positive.
struct SyntheticValidator {
    let plugin: String
    let path: String
    let kind: SystematicKind
    let nominal: LoadedSample

    static func label(_ nu: [Double]) -> String {
        "ν=(" + nu.map { String(format: "%g", $0) }.joined(separator: ", ") + ")"
    }

    /// The validated rows that enter training: observables (nil = the nominal's) and weights.
    struct Result {
        var weights: [Double]
        var observables: [Double]?
        var xWidth: Int

        /// Writes D(ν) as a data set folder.
        func write(to url: URL, systematic: String, plugin: String, kind: SystematicKind, nu: [Double], nominal: LoadedSample) throws {
            var writer = DataSetWriter(name: url.lastPathComponent, kind: "synthetic", count: weights.count, seed: nil,
                                       configuration: .object(["systematic": .string(systematic), "plugin": .string(plugin)]))
            writer.attributes = [
                "nu": .array(nu.map { .number($0) }),
                "systematic": .string(systematic),
                "pluginKind": .string(kind.rawValue),
                "observables": .string(observables == nil ? "nominal fiducial events, in order" : "own"),
            ]
            if let observables {
                writer.add("x", values: observables, shape: [weights.count, xWidth], names: nominal.xNames,
                           units: nil, description: "observables of D(ν)")
            }
            writer.add("w", values: weights, shape: [weights.count],
                       description: observables == nil ? "weights of D(ν) for the nominal fiducial events, in their order (eq. 31)"
                                                       : "weights of D(ν) (pb)")
            try writer.write(to: url, overwrite: true)
        }
    }

    func fail(_ nu: [Double], _ message: String) -> PluginHostError {
        .invalidOutput(plugin: plugin, path: path, basePoint: Self.label(nu), message: message)
    }

    func validate(_ dataset: refinery_dataset, nu: [Double]) throws -> Result {
        let count = Int(dataset.count)
        guard let w = dataset.w else { throw fail(nu, "no weights (w is NULL)") }
        switch kind {
        case .reweight, .calibrate:
            guard count == nominal.count else {
                throw fail(nu, "\(count) weights for a nominal sample of \(nominal.count) events; return one weight per nominal event")
            }
        case .alternative:
            guard count > 0 else { throw fail(nu, "the alternative sample is empty") }
        }
        let xWidth = nominal.xWidth
        if kind != .reweight {
            guard dataset.x != nil else { throw fail(nu, "no observables (x is NULL) from a \(kind.rawValue) plugin") }
            guard Int(dataset.x_width) == xWidth else {
                throw fail(nu, "x has \(dataset.x_width) columns, expected \(xWidth)")
            }
        }
        var weights: [Double] = []
        var observables: [Double]? = kind == .reweight ? nil : []
        var total = 0.0
        for i in 0..<count {
            let value = w[i]
            guard value.isFinite else { throw fail(nu, "weight of event \(i) is \(value)") }
            if kind != .alternative {
                let reference = nominal.w[i]
                if (reference > 0 && value < 0) || (reference < 0 && value > 0) {
                    throw fail(nu, "weight of event \(i) is \(value) while the nominal weight is \(reference); a reweighting factor must be positive")
                }
            }
            let keep: Bool
            switch kind {
            case .reweight: keep = nominal.fiducial[i] != 0
            case .calibrate: keep = dataset.pass.map { $0[i] != 0 } ?? (nominal.fiducial[i] != 0)
            case .alternative: keep = dataset.pass.map { $0[i] != 0 } ?? true
            }
            guard keep else { continue }
            if let x = dataset.x, kind != .reweight {
                for f in 0..<xWidth {
                    let feature = x[i * xWidth + f]
                    guard feature.isFinite else {
                        throw fail(nu, "observable \(nominal.xNames.indices.contains(f) ? nominal.xNames[f] : "x\(f)") of selected event \(i) is \(feature)")
                    }
                    observables!.append(feature)
                }
            }
            weights.append(value)
            total += value
        }
        guard !weights.isEmpty else { throw fail(nu, "no event passes the selection") }
        guard total > 0 else { throw fail(nu, "the selected events' weights sum to \(total); the cross-section must be positive") }
        return Result(weights: weights, observables: observables, xWidth: xWidth)
    }
}
