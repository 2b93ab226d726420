// Tuning knobs of the toy generator, one value per generator ("MG5" nominal, "POWHEG").

/// Parton- and particle-level tuning of the toy generator. All masses and momenta in GeV.
///
/// The nominal and alternative generators differ by a few percent in the m(tt̄) slope, the
/// gg angular distribution (hence the top pT spectrum) and the radiation, and the
/// alternative one has a small fraction of negative weights like an NLO generator.
public struct GeneratorTuning: Codable, Sendable, Equatable {
    /// Lower edge of the generated true m(tt̄), below the 750 GeV analysis cut so that
    /// resolution and calibration shifts move events across it.
    public var mttMin: Double = 600
    /// dσ/dm(tt̄) ∝ m^(−mttPower) above `mttMin`.
    public var mttPower: Double = 6.0
    /// qq̄ fraction at threshold (m ≈ 350 GeV) and above 1 TeV (linear in between).
    public var qqFractionThreshold: Double = 0.15
    public var qqFractionHigh: Double = 0.30
    /// Share of uū among qq̄ (valence: two u quarks per proton).
    public var upFraction: Double = 0.67
    /// Rapidity of the tt̄ system: y = y_max · tanh(width · g), g ~ N(0, 1).
    public var ggRapidityWidth: Double = 0.40
    public var qqRapidityWidth: Double = 0.50
    /// gg → tt̄ angular shape 1 + k cos²θ* (qq̄: 1 + cos²θ*).
    public var ggAngularCoefficient: Double = 0.9
    /// Mean number of ISR emissions at m(tt̄) = mttMin (gg and qq̄; gluons radiate more);
    /// grows as 1 + radiationGrowth · ln(m/mttMin).
    public var ggRadiation: Double = 2.4
    public var qqRadiation: Double = 1.6
    public var radiationGrowth: Double = 0.6
    /// ISR emission pT ~ radiationPtMin · u^(−1/radiationIndex) (Pareto tail), at most
    /// radiationPtCap · m(tt̄).
    public var radiationPtMin: Double = 15
    public var radiationIndex: Double = 1.25
    public var radiationPtCap: Double = 0.35
    /// ISR emission pseudorapidity spread.
    public var radiationEtaWidth: Double = 1.6
    /// Intrinsic kT (per transverse component) added to pT(tt̄).
    public var intrinsicKt: Double = 5
    /// Flavour of ISR jets: b and c fractions (the rest udsg).
    public var radiationBFraction: Double = 0.04
    public var radiationCFraction: Double = 0.10
    /// Particle-level b-jet response relative to the b quark (out-of-cone, ν in B decays).
    public var bJetResponse: Double = 0.96
    public var bJetResponseWidth: Double = 0.06
    /// Fraction of events with weight −1 (NLO-like); 0 for the LO nominal generator.
    public var negativeWeightFraction: Double = 0

    public init() {}

    /// The nominal ("MADGRAPH5_aMC@NLO + PYTHIA") tuning.
    public static let nominal = GeneratorTuning()

    /// The alternative ("POWHEG") tuning: slightly harder m(tt̄) and top pT, a little more
    /// radiation, 3% negative weights.
    public static let alternative: GeneratorTuning = {
        var t = GeneratorTuning()
        t.mttPower = 5.93
        t.ggAngularCoefficient = 0.78
        t.ggRadiation = 2.52
        t.qqRadiation = 1.68
        t.radiationIndex = 1.22
        t.negativeWeightFraction = 0.03
        return t
    }()
}

/// Detector-level parameters (resolutions and the calibration models the plugins vary).
public struct DetectorModel: Codable, Sendable, Equatable {
    /// Jet pT resolution σ/pT = √(S²/pT + N²/pT² + C²): stochastic (GeV^½), noise (GeV), constant.
    public var jetStochastic: Double = 1.0
    public var jetNoise: Double = 5.0
    public var jetConstant: Double = 0.04
    /// Soft (unclustered) MET resolution per transverse component (GeV).
    public var softMET: Double = 8
    public var jetEnergyScale = JetEnergyScale()
    public var bTagging = BTagModel()
    public var leptons = LeptonModel()
    public var selection = Selection()

    public init() {}

    /// Relative jet pT resolution at transverse momentum `pt` (GeV).
    @inlinable public func jetResolution(pt: Double) -> Double {
        (jetStochastic * jetStochastic / pt + jetNoise * jetNoise / (pt * pt)
            + jetConstant * jetConstant).squareRoot()
    }
}
