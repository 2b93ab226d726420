import RefineryPluginKit

/// Renormalization and factorization scale uncertainties (paper section 7.2).
///
/// A reweighting plugin (eq. 31): D(ν_R, ν_F) carries the generator's stored scale weights of
/// the nominal events. The 8 base points of eq. (83) overconstrain the 5 terms R, F, RR, FF,
/// RF of eq. (84).
public final class ScalePlugin: SystematicPlugin {
    public static let name = "Scale"
    public static let version = "1.0.0"
    public static let summary = "μ_R and μ_F variations by factors of 2 from the stored scale weights (eqs. 83–84)"
    public static let kind = PluginKind.reweight
    public static let configSchema = #"{"type": "object", "properties": {}, "additionalProperties": false}"#

    /// (ν_R, ν_F) of each stored scale-weight column, eq. (83) order.
    static let stored: [[Double]] = [[-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 1], [1, -1], [1, 0], [1, 1]]

    public static func spec(for config: PluginConfig) throws -> PluginSpec {
        try config.allowOnly([])
        return PluginSpec(nuisances: ["nu_R", "nu_F"], terms: [[0], [1], [0, 0], [1, 1], [0, 1]], basePoints: stored)
    }

    public init(config: PluginConfig, host: PluginHost) throws {
        try config.allowOnly([])
    }

    public func produce(nominal: NominalSample, nu: [Double]) throws -> SyntheticSample {
        guard nominal.scaleWidth == Self.stored.count else {
            throw PluginError.input("the nominal sample has \(nominal.scaleWidth) scale-weight columns, expected \(Self.stored.count) (eq. 83)")
        }
        guard let column = Self.stored.firstIndex(of: nu) else {
            throw PluginError.input("no stored scale weight for (ν_R, ν_F) = \(nu); stored points are \(Self.stored)")
        }
        let width = nominal.scaleWidth
        let scale = nominal.scale
        return SyntheticSample(weights: (0..<nominal.count).map { scale[$0 * width + column] })
    }
}

@_cdecl("refinery_plugin_entry")
public func refineryPluginEntry() -> UnsafeRawPointer { PluginExport.entry(ScalePlugin.self) }
