import RefineryPluginKit

/// The two-point generator systematic (paper sections 5.3 and 7.2): ν_POW = 0 is the nominal
/// generator, ν_POW = 1 the alternative ("POWHEG") sample, which the host provides. With
/// V = {1} only a linear log-DCR can be learned (eqs. 54–55).
public final class TwoPointPlugin: SystematicPlugin {
    public static let name = "TwoPoint"
    public static let version = "1.0.0"
    public static let summary = "alternative generator as a two-point variation, V = {1}, linear (eqs. 54–55)"
    public static let kind = PluginKind.alternative
    public static let configSchema = #"{"type": "object", "properties": {}, "additionalProperties": false}"#

    let host: PluginHost

    public static func spec(for config: PluginConfig) throws -> PluginSpec {
        try config.allowOnly([])
        // Independent samples fluctuate against each other: regularize like x-changing variations.
        return .linear(["nu_POW"], basePoints: [[1]], minNodeSize: 500)
    }

    public init(config: PluginConfig, host: PluginHost) throws {
        try config.allowOnly([])
        self.host = host
    }

    public func produce(nominal: NominalSample, nu: [Double]) throws -> SyntheticSample {
        guard nu == [1] else { throw PluginError.input("the alternative sample exists only at ν_POW = 1, not \(nu)") }
        let alternative = try host.alternativeSample()
        guard alternative.xWidth == nominal.xWidth else {
            throw PluginError.input("the alternative sample has \(alternative.xWidth) observables, the nominal \(nominal.xWidth)")
        }
        return SyntheticSample(weights: Array(alternative.weights), observables: Array(alternative.x),
                               passes: Array(alternative.fiducial))
    }
}

@_cdecl("refinery_plugin_entry")
public func refineryPluginEntry() -> UnsafeRawPointer { PluginExport.entry(TwoPointPlugin.self) }
