// Renormalization and factorization scale weights (section 7.2, eqs. 83–84).

/// Parameters of the toy scale dependence.
///
/// μ_R: the Born cross-section is ∝ α_s²(μ_R). A leading-order α_s² ratio alone gives about
/// ±17% for a factor 2; an NLO calculation compensates part of it through its explicit
/// log(μ_R²/μ0²) term. The toy keeps that structure:
///     R(ν_R) = [α_s(μ_R)/α_s(μ0)]² · (1 + c · (2β0/4π) · α_s(μ_R) · ln(μ_R²/μ0²)),
/// with one-loop running from α_s(m_Z) and the compensation fraction c.
/// μ_F: a toy DGLAP evolution of each parton density,
///     d ln f(x, μ_F²)/d ln μ_F² = (α_s(μ0)/π) · A · ln(x_c/x),
/// rising at small x and falling at large x (crossover x_c, gluon and quark differ), so the
/// μ_F weight depends on x1, x2 and has shape: at high m(tt̄) and pT(t) both partons are at
/// large x and the variation grows.
public struct ScaleModel: Codable, Sendable, Equatable {
    public var alphaSAtMZ: Double = 0.118
    public var activeFlavours: Double = 5
    /// Fraction c of the leading log that the NLO term compensates (0 = pure α_s²).
    public var renormalizationCompensation: Double = 0.6
    /// Strength A of the toy DGLAP evolution.
    public var evolutionStrength: Double = 2.6
    /// Crossover x_c below which densities rise with μ_F (gluon, quark).
    public var gluonCrossover: Double = 0.05
    public var quarkCrossover: Double = 0.12

    public init() {}
}

/// The eight scale variations of eq. (83) and their per-event weight ratios.
public enum ScaleWeights {
    /// (ν_R, ν_F) in the order of eq. (83); μ = 2^ν μ0.
    public static let variations: [(nuR: Int, nuF: Int)] = [
        (-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1),
    ]
    public static let count = 8
    /// Column names "scale_R<νR>_F<νF>".
    public static let names: [String] = variations.map { "scale_R\($0.nuR)_F\($0.nuF)" }

    /// One-loop running coupling α_s(μ) (μ in GeV).
    @inlinable public static func alphaS(_ mu: Double, model: ScaleModel) -> Double {
        let beta0 = 11 - 2 * model.activeFlavours / 3
        let a = model.alphaSAtMZ
        return a / (1 + a * beta0 / (4 * Double.pi) * _log(mu * mu / (91.1876 * 91.1876)))
    }

    /// Writes the 8 ratios w(ν_R, ν_F)/w(0, 0) for an event with central scale μ0 (GeV),
    /// momentum fractions x1, x2 and initial state (0 gg, else qq̄).
    @inlinable
    public static func ratios(mu0: Double, x1: Double, x2: Double, initialState: Int,
                              model: ScaleModel, into out: UnsafeMutablePointer<Double>) {
        let beta0 = 11 - 2 * model.activeFlavours / 3
        let a0 = alphaS(mu0, model: model)
        let ln4 = 2 * _log(2.0)
        // μ_R part: ν_R = −1 and +1 (ν_R = 0 is 1 by definition).
        @inline(__always) func renormalization(_ v: Double) -> Double {
            let a = alphaS(mu0 * (v > 0 ? 2 : 0.5), model: model)
            return (a / a0) * (a / a0)
                * (1 + model.renormalizationCompensation * 2 * beta0 / (4 * Double.pi) * a * v * ln4)
        }
        let rDown = renormalization(-1), rUp = renormalization(1)
        let xc = initialState == 0 ? model.gluonCrossover : model.quarkCrossover
        let gamma = a0 / Double.pi * model.evolutionStrength * (_log(xc / x1) + _log(xc / x2))
        let fUp = _exp(gamma * ln4), fDown = _exp(-gamma * ln4)
        for k in 0..<8 {
            let v = variations[k]
            let r = v.nuR < 0 ? rDown : v.nuR > 0 ? rUp : 1
            let f = v.nuF < 0 ? fDown : v.nuF > 0 ? fUp : 1
            out[k] = r * f
        }
    }
}
