import Foundation
import RefineryPluginABI

/// Checks what a plugin returned before anything of it is kept: lengths, finiteness, signs.
///
/// Rules (docs/plugins.md): reweighting and calibration describe the nominal events, so they
/// return one weight per nominal event, finite, and never of the opposite sign to the nominal
/// weight (a reweighting factor is positive). Alternative samples are independent and may
/// carry individually negative weights (NLO), but their total must be positive.
public struct SyntheticValidator {
    let plugin: String
    let path: String
    let kind: SystematicKind
    let nominal: LoadedSample

    /// A base point as named in messages and progress, e.g. "ν=(1, -0.5)".
    public static func label(_ nu: [Double]) -> String {
        "ν=(" + nu.map { String(format: "%g", $0) }.joined(separator: ", ") + ")"
    }

    func fail(_ nu: [Double], _ message: String) -> PluginHostError {
        .invalidOutput(plugin: plugin, path: path, basePoint: Self.label(nu), message: message)
    }

    func validate(_ dataset: refinery_dataset, nu: [Double]) throws -> SyntheticDataSet {
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
        // A recalibrated row is nominal event i with new x; which i is what lets the classifier
        // test keep an event and its recalibrated twin out of opposite classes.
        var events: [Int64]? = kind == .calibrate ? [] : nil
        for i in 0..<count {
            let value = w[i]
            guard value.isFinite else { throw fail(nu, "weight of event \(i) is \(value)") }
            if kind != .alternative {
                let reference = nominal.w[i]
                if (reference > 0 && value < 0) || (reference < 0 && value > 0) {
                    throw fail(nu, "weight of event \(i) is \(value) while the nominal weight is \(reference); a reweighting factor must be positive")
                }
            }
            guard kind != .reweight else { continue }
            let keep: Bool
            if let pass = dataset.pass { keep = pass[i] != 0 } else { keep = kind == .calibrate ? nominal.fiducial[i] != 0 : true }
            guard keep else { continue }
            if let x = dataset.x {
                for f in 0..<xWidth {
                    let feature = x[i * xWidth + f]
                    guard feature.isFinite else {
                        throw fail(nu, "observable \(nominal.xNames.indices.contains(f) ? nominal.xNames[f] : "x\(f)") of selected event \(i) is \(feature)")
                    }
                    observables!.append(feature)
                }
            }
            weights.append(value)
            events?.append(Int64(i))
        }
        if kind == .reweight {
            weights = ReweightedDataContract.fiducialRows(UnsafeBufferPointer(start: w, count: count), width: 1,
                                                          fiducial: Array(nominal.fiducial))
        }
        guard !weights.isEmpty else { throw fail(nu, "no event passes the selection") }
        // Summed in event order, as before, so the check is unchanged to the last bit.
        var total = 0.0
        for value in weights { total += value }
        guard total > 0 else { throw fail(nu, "the selected events' weights sum to \(total); the cross-section must be positive") }
        return SyntheticDataSet(weights: weights, observables: observables, events: events, xWidth: xWidth)
    }
}
