// The latent features z: one flat row of Doubles per event (parton, particle and
// reconstruction level), object lists padded to a fixed size with explicit counts.

/// Column layout of the latent row z (N × `Latent.width`, row-major).
///
/// Parton level (z_p): initial state, momentum fractions, true m(tt̄), scattering angle,
/// pT(tt̄) from ISR, the dynamic scale μ0, and the CP-odd triple product that drives the
/// ctGIm interference. Particle level (z_ptl): true top kinematics, N_gen-jet, true
/// neutrino momentum. Detector level (z_reco): up to `maxJets` reconstructed jets with
/// pT > `Latent.storedJetPtMin` and |η| < 2.4 sorted by nominal pT, padded with zeros, their
/// true flavour and b-tag decision; the two identified leptons (ℓ⁺ first, ℓ⁻ second); the
/// missing transverse momentum. Everything `Reconstruction` needs is here, so calibration
/// plugins can modify jets and MET and recompute x (eq. 30 of the paper).
public enum Latent {
    /// Jet slots stored per event.
    public static let maxJets = 6
    /// Lepton slots stored per event (ℓ⁺ then ℓ⁻).
    public static let maxLeptons = 2
    /// Jets are stored down to this reconstructed pT (GeV), below the 30 GeV analysis cut,
    /// so an upward JES variation of up to 3σ can bring them into acceptance.
    public static let storedJetPtMin = 25.0

    // Parton level.
    /// 0 = gg, 1 = uū, 2 = dd̄ (the four-fermion operators distinguish up and down quarks).
    public static let initialState = 0
    public static let x1 = 1
    public static let x2 = 2
    /// True invariant mass of the tt̄ pair (GeV).
    public static let mttTrue = 3
    /// True rapidity of the tt̄ system.
    public static let yttTrue = 4
    /// cos θ* of the top in the tt̄ rest frame with respect to the +z beam axis.
    public static let cosThetaStar = 5
    /// cos θ* with respect to the incoming quark direction (qq̄); equal to `cosThetaStar` for gg.
    public static let cosThetaStarQuark = 6
    /// True pT(tt̄) (GeV), the recoil against initial-state radiation.
    public static let pttTrue = 7
    /// Dynamic central scale μ0 = H_T/2 (GeV) used by the scale weights.
    public static let mu0 = 8
    /// CP-odd triple product ẑ·(p̂(ℓ⁺) × p̂(ℓ⁻)) of the true leptons (drives ctGIm).
    public static let cpOdd = 9
    // Particle level.
    public static let ptTopTrue = 10
    public static let etaTopTrue = 11
    public static let ptAntitopTrue = 12
    public static let etaAntitopTrue = 13
    /// Particle-level jets with pT > 30 GeV and |η| < 2.4.
    public static let nGenJets = 14
    /// True (νν̄) transverse momentum (GeV).
    public static let metTrueX = 15
    public static let metTrueY = 16
    // Detector level.
    /// Number of filled jet slots (jets with pT > 25 GeV, |η| < 2.4, at most `maxJets`).
    public static let nJets = 17
    static let jetBase = 18
    static let jetFields = 6
    static let leptonBase = jetBase + maxJets * jetFields
    static let leptonFields = 5
    /// Missing transverse momentum (GeV): true neutrinos plus jet mismeasurement plus soft term.
    public static let metX = leptonBase + maxLeptons * leptonFields
    public static let metY = metX + 1
    /// Total number of columns.
    public static let width = metY + 1

    /// Reconstructed jet pT (GeV) of slot k.
    @inlinable public static func jetPt(_ k: Int) -> Int { 18 + 6 * k }
    @inlinable public static func jetEta(_ k: Int) -> Int { 18 + 6 * k + 1 }
    @inlinable public static func jetPhi(_ k: Int) -> Int { 18 + 6 * k + 2 }
    /// Reconstructed jet mass (GeV); scaled together with pT by a JES variation.
    @inlinable public static func jetMass(_ k: Int) -> Int { 18 + 6 * k + 3 }
    /// True flavour of slot k: 0 = udsg, 4 = c, 5 = b.
    @inlinable public static func jetFlavour(_ k: Int) -> Int { 18 + 6 * k + 4 }
    /// b-tag decision of slot k (loose working point): 1 tagged, 0 not.
    @inlinable public static func jetTag(_ k: Int) -> Int { 18 + 6 * k + 5 }

    @inlinable public static func leptonPt(_ k: Int) -> Int { 54 + 5 * k }
    @inlinable public static func leptonEta(_ k: Int) -> Int { 54 + 5 * k + 1 }
    @inlinable public static func leptonPhi(_ k: Int) -> Int { 54 + 5 * k + 2 }
    /// Electric charge ±1.
    @inlinable public static func leptonCharge(_ k: Int) -> Int { 54 + 5 * k + 3 }
    /// |PDG id|: 11 electron, 13 muon.
    @inlinable public static func leptonFlavour(_ k: Int) -> Int { 54 + 5 * k + 4 }

    /// Machine-readable column names, index-aligned with the constants above.
    public static let names: [String] = {
        var n = ["initial_state", "x1", "x2", "m_tt_true", "y_tt_true", "cos_theta_star",
                 "cos_theta_star_q", "pt_tt_true", "mu0", "cp_odd_triple",
                 "pt_t_true", "eta_t_true", "pt_tbar_true", "eta_tbar_true", "n_genjet",
                 "met_true_x", "met_true_y", "n_jets"]
        for k in 0..<maxJets {
            n += ["jet\(k)_pt", "jet\(k)_eta", "jet\(k)_phi", "jet\(k)_mass",
                  "jet\(k)_flavour", "jet\(k)_btag"]
        }
        for k in 0..<maxLeptons {
            n += ["lep\(k)_pt", "lep\(k)_eta", "lep\(k)_phi", "lep\(k)_charge", "lep\(k)_pdgid"]
        }
        n += ["met_x", "met_y"]
        return n
    }()

    /// Units of each column: "GeV" or "" (dimensionless, codes, counts, angles in radians).
    public static let units: [String] = names.map { name in
        if name == "mu0" || name.hasPrefix("met") || name.hasSuffix("_pt") || name.hasSuffix("_mass")
            || name == "m_tt_true" || name == "pt_tt_true" || name.hasPrefix("pt_t") {
            return "GeV"
        }
        return ""
    }

    /// Index of a column by machine name, nil if unknown.
    public static func index(of name: String) -> Int? { names.firstIndex(of: name) }
}
