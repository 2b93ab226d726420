import Foundation
import RefineryPluginKit

/// Jet energy scale calibration uncertainty (paper sections 4.4.1 and 7.3, eqs. 30 and 85).
///
/// A calibration plugin: for each ν it scales every jet's pT and mass by (1 + ν σ_JES(pT, η))
/// in the latent features, propagates the change to the missing transverse momentum, and
/// asks the host to re-run the selection and the observable reconstruction (eq. 30). Events
/// can enter or leave the fiducial region. V = {−1, −0.5, 0.5, 1}, linear, minimum node
/// size 500 (section 7.1).
public final class JetEnergyScalePlugin: SystematicPlugin {
    public static let name = "JetEnergyScale"
    public static let version = "1.1.0"
    public static let summary = "jet energy scale ±σ_JES(pT, η) with re-selection and re-reconstruction, eqs. (30), (85)"
    public static let kind = PluginKind.calibrate
    public static let configSchema = """
    {"type": "object", "additionalProperties": false, "properties": {
      "constant": {"type": "number", "description": "σ_JES of central jets at the pivot, before the low-pT term"},
      "eta_coefficient": {"type": "number"}, "barrel_edge": {"type": "number"},
      "low_pt_term": {"type": "number", "description": "GeV; adds low_pt_term / pT"},
      "high_pt_term": {"type": "number", "description": "adds high_pt_term · ln(pT / high_pt_pivot) above the pivot"},
      "high_pt_pivot": {"type": "number", "description": "GeV"},
      "maximum": {"type": "number"},
      "base_points": {"type": "array", "items": {"type": "number"}}}}
    """

    /// σ_JES(pT, η) = min(maximum, constant (1 + k (|η| − edge)₊²) + lowPtTerm / pT
    /// + highPtTerm ln(pT / pivot)₊), the shape of the CMS "total" JES uncertainty [62]:
    /// smallest around the pivot, larger at low pT, large |η| and, through the high-pT
    /// extrapolation, at high pT (docs/simulation.md gives the values).
    struct Uncertainty {
        var constant = 0.007, etaCoefficient = 1.0, barrelEdge = 1.3, lowPtTerm = 0.1
        var highPtTerm = 0.018, highPtPivot = 150.0, maximum = 0.05

        func sigma(pt: Double, eta: Double) -> Double {
            let endcap = max(abs(eta) - barrelEdge, 0)
            let s = constant * (1 + etaCoefficient * endcap * endcap) + lowPtTerm / max(pt, 1)
                + (pt > highPtPivot ? highPtTerm * log(pt / highPtPivot) : 0)
            return min(maximum, s)
        }
    }

    let uncertainty: Uncertainty
    let host: PluginHost
    /// Events recalibrated per block.
    static let blockEvents = 65_536

    static func parse(_ config: PluginConfig) throws -> (Uncertainty, [[Double]]) {
        try config.allowOnly(["constant", "eta_coefficient", "barrel_edge", "low_pt_term", "high_pt_term",
                              "high_pt_pivot", "maximum", "base_points"])
        var u = Uncertainty()
        u.constant = try config.double("constant", default: u.constant)
        u.etaCoefficient = try config.double("eta_coefficient", default: u.etaCoefficient)
        u.barrelEdge = try config.double("barrel_edge", default: u.barrelEdge)
        u.lowPtTerm = try config.double("low_pt_term", default: u.lowPtTerm)
        u.highPtTerm = try config.double("high_pt_term", default: u.highPtTerm)
        u.highPtPivot = try config.double("high_pt_pivot", default: u.highPtPivot)
        guard u.highPtPivot > 0 else {
            throw PluginError.config("configuration key 'high_pt_pivot' must be a positive transverse momentum in GeV, got \(u.highPtPivot)")
        }
        u.maximum = try config.double("maximum", default: u.maximum)
        let points = try config.points("base_points", default: [[-1], [-0.5], [0.5], [1]])
        return (u, points)
    }

    public static func spec(for config: PluginConfig) throws -> PluginSpec {
        let (_, points) = try parse(config)
        return .linear(["nu_JES"], basePoints: points, minNodeSize: 500)
    }

    public init(config: PluginConfig, host: PluginHost) throws {
        (uncertainty, _) = try Self.parse(config)
        self.host = host
    }

    public func produce(nominal: NominalSample, nu: [Double]) throws -> SyntheticSample {
        let nJets = try nominal.zColumn("n_jets")
        let metX = try nominal.zColumn("met_x"), metY = try nominal.zColumn("met_y")
        var jets: [(pt: Int, eta: Int, phi: Int, mass: Int)] = []
        while let pt = nominal.zNames.firstIndex(of: "jet\(jets.count)_pt") {
            let k = jets.count
            jets.append((pt, try nominal.zColumn("jet\(k)_eta"), try nominal.zColumn("jet\(k)_phi"), try nominal.zColumn("jet\(k)_mass")))
        }
        let width = nominal.zWidth
        // In blocks of events, so that only a block's latent features are copied at a time
        // (the whole z of a paper-scale sample is 0.7 GB); each event is recalibrated and
        // reconstructed on its own, so the result does not depend on the block size.
        var x: [Double] = [], passes: [UInt8] = []
        x.reserveCapacity(nominal.count * nominal.xWidth)
        passes.reserveCapacity(nominal.count)
        for begin in stride(from: 0, to: nominal.count, by: Self.blockEvents) {
            let end = min(begin + Self.blockEvents, nominal.count)
            var z = Array(nominal.z[(begin * width)..<(end * width)])
            for i in 0..<(end - begin) {
                let row = i * width
                var dx = 0.0, dy = 0.0
                for jet in jets.prefix(min(Int(z[row + nJets]), jets.count)) {
                    let pt = z[row + jet.pt]
                    let scale = 1 + nu[0] * uncertainty.sigma(pt: pt, eta: z[row + jet.eta])
                    dx += pt * (scale - 1) * cos(z[row + jet.phi])
                    dy += pt * (scale - 1) * sin(z[row + jet.phi])
                    z[row + jet.pt] = pt * scale
                    z[row + jet.mass] *= scale
                }
                // Type-1 propagation: the MET absorbs the opposite of the jets' pT change.
                z[row + metX] -= dx
                z[row + metY] -= dy
            }
            let block = try host.reconstruct(latent: z, count: end - begin, xWidth: nominal.xWidth)
            x += block.x
            passes += block.passes
        }
        return SyntheticSample(weights: Array(nominal.weights), observables: x, passes: passes)
    }
}

@_cdecl("refinery_plugin_entry")
public func refineryPluginEntry() -> UnsafeRawPointer { PluginExport.entry(JetEnergyScalePlugin.self) }
