// Lepton identification efficiency, scale factors and uncertainties (section 7.5, eq. 89).

/// Electron and muon efficiency model: MC efficiency ε(η), data/MC scale factor SF(η) and
/// the relative uncertainty ΔSF/SF(η) used in eq. (89).
///
/// ΔSF/SF is 0.3–1.0% for electrons (barrel to endcap) and 0.2–0.5% for muons, so that the
/// two-lepton variation of eq. (89) stays below 1% as section 7.5 reports. Momentum
/// resolution: σ(pT)/pT = resolution + resolutionSlope · pT.
public struct LeptonModel: Codable, Sendable, Equatable {
    public var electronEfficiency: Double = 0.90
    public var muonEfficiency: Double = 0.96
    public var electronScaleFactorBarrel: Double = 0.98
    public var electronScaleFactorEndcap: Double = 0.96
    public var muonScaleFactor: Double = 0.99
    /// ΔSF/SF for electrons in |η| bins [0, 0.8, 1.444, 2.0, 2.5].
    public var electronUncertainty: [Double] = [0.003, 0.005, 0.008, 0.010]
    /// ΔSF/SF for muons in |η| bins [0, 0.9, 1.2, 2.1, 2.5].
    public var muonUncertainty: [Double] = [0.002, 0.003, 0.004, 0.005]
    public var electronResolution: Double = 0.015
    public var muonResolution: Double = 0.010
    public var resolutionSlope: Double = 0.00003

    public init() {}

    /// MC identification efficiency for |PDG id| `flavour` at pseudorapidity `eta`.
    @inlinable public func efficiency(flavour: Int, eta: Double) -> Double {
        flavour == 11 ? electronEfficiency * (abs(eta) < 1.5 ? 1 : 0.96) : muonEfficiency
    }

    /// Data/MC scale factor SF(η).
    @inlinable public func scaleFactor(flavour: Int, eta: Double) -> Double {
        if flavour == 11 { return abs(eta) < 1.479 ? electronScaleFactorBarrel : electronScaleFactorEndcap }
        return muonScaleFactor
    }

    /// Relative scale-factor uncertainty ΔSF/SF(η).
    @inlinable public func relativeUncertainty(flavour: Int, eta: Double) -> Double {
        let a = abs(eta)
        if flavour == 11 {
            let i = a < 0.8 ? 0 : a < 1.444 ? 1 : a < 2.0 ? 2 : 3
            return electronUncertainty[i]
        }
        let i = a < 0.9 ? 0 : a < 1.2 ? 1 : a < 2.1 ? 2 : 3
        return muonUncertainty[i]
    }

    /// Relative pT resolution of a lepton.
    @inlinable public func resolution(flavour: Int, pt: Double) -> Double {
        (flavour == 11 ? electronResolution : muonResolution) + resolutionSlope * pt
    }

    /// The reweighting factor of eq. (89) for one latent row:
    /// Π_ℓ (1 + ΔSF(ℓ)/SF(ℓ))^ν over the two stored leptons.
    @inlinable public func weight(row: UnsafePointer<Double>, nu: Double) -> Double {
        var r = 1.0
        for k in 0..<Latent.maxLeptons {
            let f = Int(row[Latent.leptonFlavour(k)])
            r *= _pow(1 + relativeUncertainty(flavour: f, eta: row[Latent.leptonEta(k)]), nu)
        }
        return r
    }
}
