// b-tagging efficiencies, scale factors and their uncertainties (section 7.4, eqs. 86–88).

/// The two b-tagging nuisance parameters of section 7.4.
public enum BTagVariation: String, Codable, Sendable, CaseIterable {
    /// Heavy flavour: b and c scale factors varied together (ν_HF).
    case heavy
    /// Light flavour: udsg mistag scale factors (ν_LF).
    case light
}

/// Loose-working-point b-tagging model: MC efficiency ε_f(pT, η), data/MC scale factor
/// SF_f(pT, η) and its uncertainty ΔSF_f(pT, η) for f ∈ {b, c, udsg}.
///
/// The simulation tags a jet with probability ε_f · SF_f (the "data-like" rate), so the
/// reweighting of eq. (87) with ν = 0 reproduces the stored decisions' distribution.
/// Efficiencies fall with |η| and, for b jets, at high pT (boosted b hadrons); the mistag
/// rate rises with pT. ΔSF is a few percent for b (c twice that) and 15–25% for udsg.
public struct BTagModel: Codable, Sendable, Equatable {
    public var bEfficiency: Double = 0.76
    public var bEfficiencyHighPtLoss: Double = 0.10
    public var cEfficiency: Double = 0.40
    public var lightEfficiency: Double = 0.12
    public var lightEfficiencyHighPtGain: Double = 0.12
    /// Relative loss of every efficiency at |η| = 2.4 (linear in |η|).
    public var forwardLoss: Double = 0.08
    public var bScaleFactor: Double = 0.97
    public var cScaleFactor: Double = 0.97
    public var lightScaleFactor: Double = 1.10
    /// Relative ΔSF_b/SF_b at low pT; grows by `bUncertaintyHighPt` towards 600 GeV.
    public var bUncertainty: Double = 0.015
    public var bUncertaintyHighPt: Double = 0.010
    /// ΔSF_c = cUncertaintyFactor · ΔSF_b (charm is calibrated less precisely).
    public var cUncertaintyFactor: Double = 2.0
    /// Relative ΔSF_udsg/SF_udsg at low pT; grows by `lightUncertaintyHighPt` towards 600 GeV.
    public var lightUncertainty: Double = 0.20
    public var lightUncertaintyHighPt: Double = 0.05

    public init() {}

    /// MC tagging efficiency ε_f(pT, η) for flavour code `flavour` (0 udsg, 4 c, 5 b).
    @inlinable public func efficiency(flavour: Int, pt: Double, eta: Double) -> Double {
        let fwd = 1 - forwardLoss * min(abs(eta), 2.4) / 2.4
        let hi = min(max((pt - 100) / 500, 0), 1)
        switch flavour {
        case 5: return (bEfficiency - bEfficiencyHighPtLoss * hi) * fwd
        case 4: return cEfficiency * (1 - 0.1 * hi) * fwd
        default: return (lightEfficiency + lightEfficiencyHighPtGain * hi) * fwd
        }
    }

    /// Scale factor SF_f(pT, η).
    @inlinable public func scaleFactor(flavour: Int, pt: Double, eta: Double) -> Double {
        switch flavour {
        case 5: return bScaleFactor
        case 4: return cScaleFactor
        default: return lightScaleFactor
        }
    }

    /// Absolute uncertainty ΔSF_{f,k}(pT, η) of the scale factor for variation `kind`:
    /// zero for flavours the variation does not act on.
    @inlinable public func scaleFactorUncertainty(flavour: Int, pt: Double, eta: Double,
                                                   kind: BTagVariation) -> Double {
        let grow = min(pt / 600, 1)
        switch (kind, flavour) {
        case (.heavy, 5): return bScaleFactor * (bUncertainty + bUncertaintyHighPt * grow)
        case (.heavy, 4): return cScaleFactor * cUncertaintyFactor * (bUncertainty + bUncertaintyHighPt * grow)
        case (.light, 0): return lightScaleFactor * (lightUncertainty + lightUncertaintyHighPt * grow)
        default: return 0
        }
    }

    /// Probability ε_f · (SF_f + ν ΔSF_{f,k}) that a jet is tagged, clamped to [0, 1].
    @inlinable public func tagProbability(flavour: Int, pt: Double, eta: Double,
                                          nu: Double = 0, kind: BTagVariation = .heavy) -> Double {
        let sf = scaleFactor(flavour: flavour, pt: pt, eta: eta)
            + nu * scaleFactorUncertainty(flavour: flavour, pt: pt, eta: eta, kind: kind)
        return min(max(efficiency(flavour: flavour, pt: pt, eta: eta) * sf, 0), 1)
    }

    /// The reweighting factor r = F(ν)/F(0) of eqs. (86)–(87) for one latent row: product
    /// over the jets inside the analysis acceptance of the tagged or untagged probability
    /// ratio, using the stored b-tag decisions and true flavours.
    @inlinable public func weight(row: UnsafePointer<Double>, nu: Double, kind: BTagVariation,
                                  selection: Selection = Selection()) -> Double {
        let n = min(Int(row[Latent.nJets]), Latent.maxJets)
        var r = 1.0
        for k in 0..<n {
            let pt = row[Latent.jetPt(k)], eta = row[Latent.jetEta(k)]
            guard pt > selection.jetPtMin && abs(eta) < selection.jetEtaMax else { continue }
            let f = Int(row[Latent.jetFlavour(k)])
            let p0 = tagProbability(flavour: f, pt: pt, eta: eta)
            let p1 = tagProbability(flavour: f, pt: pt, eta: eta, nu: nu, kind: kind)
            if row[Latent.jetTag(k)] > 0.5 { r *= p1 / p0 } else { r *= (1 - p1) / (1 - p0) }
        }
        return r
    }
}
