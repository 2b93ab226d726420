import Foundation
import RefineryPluginKit

/// Lepton efficiency scale-factor uncertainties (paper section 7.5, eq. 89):
/// r(x, z | ν_ℓ) = Π_ℓ (1 + ΔSF(ℓ)/SF(ℓ))^ν_ℓ over the two leptons, with ΔSF/SF depending on
/// the lepton's |η| (latent, not in x), so a surrogate is needed. V = {−1, 1}, linear.
public final class LeptonEfficiencyPlugin: SystematicPlugin {
    public static let name = "LeptonEfficiency"
    public static let version = "1.0.0"
    public static let summary = "lepton identification scale factors ±1σ, eq. (89), V = {−1, 1}, linear"
    public static let kind = PluginKind.reweight
    public static let configSchema = """
    {"type": "object", "additionalProperties": false, "properties": {
      "electron_eta_edges": {"type": "array", "items": {"type": "number"}, "description": "|η| bin edges for electrons"},
      "electron_uncertainty": {"type": "array", "items": {"type": "number"}, "description": "ΔSF/SF per electron |η| bin"},
      "muon_eta_edges": {"type": "array", "items": {"type": "number"}},
      "muon_uncertainty": {"type": "array", "items": {"type": "number"}}}}
    """
    static let keys = ["electron_eta_edges", "electron_uncertainty", "muon_eta_edges", "muon_uncertainty"]

    /// ΔSF/SF per |η| bin (CMS-like: larger in the endcaps).
    struct Table {
        var edges: [Double]
        var values: [Double]

        func value(_ eta: Double) -> Double {
            let a = abs(eta)
            for (i, upper) in edges.dropFirst().enumerated() where a < upper { return values[i] }
            return values[values.count - 1]
        }
    }

    let electrons: Table
    let muons: Table

    public static func spec(for config: PluginConfig) throws -> PluginSpec {
        _ = try tables(config)
        return .linear(["nu_lep"], basePoints: [[-1], [1]])
    }

    static func tables(_ config: PluginConfig) throws -> (Table, Table) {
        try config.allowOnly(keys)
        let electrons = Table(edges: try config.doubles("electron_eta_edges", default: [0, 0.8, 1.444, 2.0, 2.5]),
                              values: try config.doubles("electron_uncertainty", default: [0.003, 0.005, 0.008, 0.010]))
        let muons = Table(edges: try config.doubles("muon_eta_edges", default: [0, 0.9, 1.2, 2.1, 2.5]),
                          values: try config.doubles("muon_uncertainty", default: [0.002, 0.003, 0.004, 0.005]))
        for (name, table) in [("electron", electrons), ("muon", muons)] {
            guard table.edges.count == table.values.count + 1, !table.values.isEmpty else {
                throw PluginError.config("\(name)_eta_edges needs one more entry than \(name)_uncertainty")
            }
            guard table.values.allSatisfy({ $0 > -1 && $0.isFinite }) else {
                throw PluginError.config("\(name)_uncertainty values must be finite and above −1")
            }
        }
        return (electrons, muons)
    }

    public init(config: PluginConfig, host: PluginHost) throws {
        (electrons, muons) = try Self.tables(config)
    }

    public func produce(nominal: NominalSample, nu: [Double]) throws -> SyntheticSample {
        let columns = try (0..<2).map { k in
            (eta: try nominal.zColumn("lep\(k)_eta"), flavour: try nominal.zColumn("lep\(k)_pdgid"))
        }
        let z = nominal.z, w = nominal.weights, width = nominal.zWidth
        var weights = [Double](repeating: 0, count: nominal.count)
        for i in 0..<nominal.count {
            var r = 1.0
            for column in columns {
                let eta = z[i * width + column.eta]
                let table = Int(z[i * width + column.flavour]) == 11 ? electrons : muons
                r *= pow(1 + table.value(eta), nu[0])
            }
            weights[i] = w[i] * r
        }
        return SyntheticSample(weights: weights)
    }
}

@_cdecl("refinery_plugin_entry")
public func refineryPluginEntry() -> UnsafeRawPointer { PluginExport.entry(LeptonEfficiencyPlugin.self) }
