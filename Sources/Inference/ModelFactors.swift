/// One learned multiplicative factor Ŝ_k(x|ν_k) = exp(Σ_A ν_k^A Δ_{k,A}(x)) of eq. (82) (eq. 70's
/// per-group form), given by its per-event coefficients.
public struct SystematicFactor: Sendable {
    public var name: String
    /// The factor's own nuisances; `terms` index into this list.
    public var nuisances: [String]
    public var terms: [NuisanceTerm]
    /// Δ_A(x_i): N × terms.count, row-major (event i's coefficients are contiguous).
    public var delta: [Double]

    public init(name: String, nuisances: [String], terms: [NuisanceTerm], delta: [Double]) {
        self.name = name
        self.nuisances = nuisances
        self.terms = terms
        self.delta = delta
    }
}

/// A log-normal factor α^ν: the luminosity L(ν) = L₀ α_lumi^ν_lumi (eq. 81) or a normalization
/// α_norm^ν_norm (eq. 64). In eq. (94) both multiply L·R/L₀ the same way.
public struct LogNormalFactor: Sendable {
    public var name: String
    public var nuisance: String
    public var alpha: Double

    public init(name: String, nuisance: String, alpha: Double) {
        self.name = name
        self.nuisance = nuisance
        self.alpha = alpha
    }
}
