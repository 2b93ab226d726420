import Foundation
import RefineryPluginKit

/// b-tagging scale-factor uncertainties (paper section 7.4, eqs. 86–88).
///
/// r = F(ν)/F(0) with F(ν) = Π_tagged ε_f (SF_f + ν ΔSF_f) Π_untagged (1 − ε_f (SF_f + ν ΔSF_f)),
/// using each jet's stored tag decision and true flavour (latent). The `component` selects the
/// nuisance: HF varies b and c together, LF the light-flavour (udsg) mistag rate; the
/// workspace lists the plugin twice to get the two separately trained surrogates of eq. (88).
/// The efficiency and scale-factor parametrization is the calibration input of [62];
/// its numbers come from the configuration.
public final class BTaggingPlugin: SystematicPlugin {
    public static let name = "BTagging"
    public static let version = "1.0.0"
    public static let summary = "b-tag scale factors, HF (b, c) or LF (udsg) ±1σ, eqs. (86)–(88), linear"
    public static let kind = PluginKind.reweight
    public static let configSchema = """
    {"type": "object", "additionalProperties": false, "required": ["component"], "properties": {
      "component": {"enum": ["HF", "LF"]},
      "b_efficiency": {"type": "number"}, "b_efficiency_high_pt_loss": {"type": "number"},
      "c_efficiency": {"type": "number"}, "light_efficiency": {"type": "number"},
      "light_efficiency_high_pt_gain": {"type": "number"}, "forward_loss": {"type": "number"},
      "b_scale_factor": {"type": "number"}, "c_scale_factor": {"type": "number"}, "light_scale_factor": {"type": "number"},
      "b_uncertainty": {"type": "number", "description": "ΔSF_b/SF_b at low pT"},
      "b_uncertainty_high_pt": {"type": "number", "description": "added towards 600 GeV"},
      "c_uncertainty_factor": {"type": "number", "description": "ΔSF_c/SF_c = factor × ΔSF_b/SF_b"},
      "light_uncertainty": {"type": "number"}, "light_uncertainty_high_pt": {"type": "number"},
      "jet_pt_min": {"type": "number"}, "jet_eta_max": {"type": "number"}}}
    """

    /// The calibration: ε_f(pT, η), SF_f and ΔSF_f/SF_f(pT).
    struct Calibration {
        var bEfficiency = 0.76, bEfficiencyHighPtLoss = 0.10, cEfficiency = 0.40
        var lightEfficiency = 0.12, lightEfficiencyHighPtGain = 0.12, forwardLoss = 0.08
        var bScaleFactor = 0.97, cScaleFactor = 0.97, lightScaleFactor = 1.10
        var bUncertainty = 0.015, bUncertaintyHighPt = 0.010, cUncertaintyFactor = 2.0
        var lightUncertainty = 0.20, lightUncertaintyHighPt = 0.05
        var jetPtMin = 30.0, jetEtaMax = 2.4

        func efficiency(_ flavour: Int, pt: Double, eta: Double) -> Double {
            let forward = 1 - forwardLoss * min(abs(eta), 2.4) / 2.4
            let high = min(max((pt - 100) / 500, 0), 1)
            switch flavour {
            case 5: return (bEfficiency - bEfficiencyHighPtLoss * high) * forward
            case 4: return cEfficiency * (1 - 0.1 * high) * forward
            default: return (lightEfficiency + lightEfficiencyHighPtGain * high) * forward
            }
        }

        func scaleFactor(_ flavour: Int) -> Double {
            flavour == 5 ? bScaleFactor : flavour == 4 ? cScaleFactor : lightScaleFactor
        }

        /// ΔSF_{f,k}: zero for flavours the component does not vary.
        func uncertainty(_ flavour: Int, pt: Double, heavy: Bool) -> Double {
            let grow = min(pt / 600, 1)
            switch (heavy, flavour) {
            case (true, 5): return bScaleFactor * (bUncertainty + bUncertaintyHighPt * grow)
            case (true, 4): return cScaleFactor * cUncertaintyFactor * (bUncertainty + bUncertaintyHighPt * grow)
            case (false, 0): return lightScaleFactor * (lightUncertainty + lightUncertaintyHighPt * grow)
            default: return 0
            }
        }

        /// ε_f (SF_f + ν ΔSF_f), clamped to a probability.
        func probability(_ flavour: Int, pt: Double, eta: Double, nu: Double, heavy: Bool) -> Double {
            let sf = scaleFactor(flavour) + nu * uncertainty(flavour, pt: pt, heavy: heavy)
            return min(max(efficiency(flavour, pt: pt, eta: eta) * sf, 0), 1)
        }
    }

    nonisolated(unsafe) static let numberKeys: [(String, WritableKeyPath<Calibration, Double>)] = [
        ("b_efficiency", \.bEfficiency), ("b_efficiency_high_pt_loss", \.bEfficiencyHighPtLoss),
        ("c_efficiency", \.cEfficiency), ("light_efficiency", \.lightEfficiency),
        ("light_efficiency_high_pt_gain", \.lightEfficiencyHighPtGain), ("forward_loss", \.forwardLoss),
        ("b_scale_factor", \.bScaleFactor), ("c_scale_factor", \.cScaleFactor), ("light_scale_factor", \.lightScaleFactor),
        ("b_uncertainty", \.bUncertainty), ("b_uncertainty_high_pt", \.bUncertaintyHighPt),
        ("c_uncertainty_factor", \.cUncertaintyFactor), ("light_uncertainty", \.lightUncertainty),
        ("light_uncertainty_high_pt", \.lightUncertaintyHighPt), ("jet_pt_min", \.jetPtMin), ("jet_eta_max", \.jetEtaMax),
    ]

    let heavy: Bool
    let calibration: Calibration

    static func parse(_ config: PluginConfig) throws -> (heavy: Bool, calibration: Calibration) {
        try config.allowOnly(["component"] + numberKeys.map(\.0))
        let component = try config.string("component", default: "")
        guard component == "HF" || component == "LF" else {
            throw PluginError.config("'component' must be \"HF\" (b and c) or \"LF\" (udsg), got \"\(component)\"")
        }
        var calibration = Calibration()
        for (key, path) in numberKeys { calibration[keyPath: path] = try config.double(key, default: calibration[keyPath: path]) }
        return (component == "HF", calibration)
    }

    public static func spec(for config: PluginConfig) throws -> PluginSpec {
        let (heavy, _) = try parse(config)
        return .linear([heavy ? "nu_HF" : "nu_LF"], basePoints: [[-1], [1]])
    }

    public init(config: PluginConfig, host: PluginHost) throws {
        (heavy, calibration) = try Self.parse(config)
    }

    public func produce(nominal: NominalSample, nu: [Double]) throws -> SyntheticSample {
        let nJets = try nominal.zColumn("n_jets")
        var jets: [(pt: Int, eta: Int, flavour: Int, tag: Int)] = []
        while let pt = nominal.zNames.firstIndex(of: "jet\(jets.count)_pt") {
            let k = jets.count
            jets.append((pt, try nominal.zColumn("jet\(k)_eta"), try nominal.zColumn("jet\(k)_flavour"), try nominal.zColumn("jet\(k)_btag")))
        }
        let z = nominal.z, w = nominal.weights, width = nominal.zWidth
        var weights = [Double](repeating: 0, count: nominal.count)
        for i in 0..<nominal.count {
            let row = i * width
            var ratio = 1.0  // F(ν)/F(0), eqs. (86)–(87)
            for jet in jets.prefix(min(Int(z[row + nJets]), jets.count)) {
                let pt = z[row + jet.pt], eta = z[row + jet.eta]
                guard pt > calibration.jetPtMin, abs(eta) < calibration.jetEtaMax else { continue }
                let flavour = Int(z[row + jet.flavour])
                let p0 = calibration.probability(flavour, pt: pt, eta: eta, nu: 0, heavy: heavy)
                let p1 = calibration.probability(flavour, pt: pt, eta: eta, nu: nu[0], heavy: heavy)
                ratio *= z[row + jet.tag] > 0.5 ? p1 / p0 : (1 - p1) / (1 - p0)
            }
            weights[i] = w[i] * ratio
        }
        return SyntheticSample(weights: weights)
    }
}

@_cdecl("refinery_plugin_entry")
public func refineryPluginEntry() -> UnsafeRawPointer { PluginExport.entry(BTaggingPlugin.self) }
