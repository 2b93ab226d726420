// The 14 observables x of section 7.1 of the paper, in the paper's order.

/// Column layout of the observables x (N × 14, row-major), section 7.1 of the paper.
///
/// Top quantities come from the reconstructed top quarks (`Reconstruction`), lepton
/// quantities from the two identified leptons. Δη = η(t) − η(t̄) and
/// Δ|η| = |η(t)| − |η(t̄)| (sensitive to the charge asymmetry); likewise for ℓ⁺ and ℓ⁻.
/// |Δφ|(ℓℓ) ∈ [0, π]; cos φ_lab(ℓℓ) is the cosine of the opening angle of the leptons in
/// the laboratory frame.
public enum ObservableSet {
    public static let count = 14

    public static let mtt = 0
    public static let ptTT = 1
    public static let detaTT = 2
    public static let dabsetaTT = 3
    public static let ptTop = 4
    public static let etaTop = 5
    public static let ptAntitop = 6
    public static let etaAntitop = 7
    public static let mll = 8
    public static let ptLL = 9
    public static let detaLL = 10
    public static let dabsetaLL = 11
    public static let absDphiLL = 12
    public static let cosPhiLL = 13

    /// Machine-readable names, index-aligned with the constants above.
    public static let names: [String] = [
        "m_tt", "pt_tt", "deta_tt", "dabseta_tt", "pt_t", "eta_t", "pt_tbar", "eta_tbar",
        "m_ll", "pt_ll", "deta_ll", "dabseta_ll", "absdphi_ll", "cosphi_ll",
    ]

    /// Units: "GeV" for masses and transverse momenta, "" otherwise.
    public static let units: [String] = [
        "GeV", "GeV", "", "", "GeV", "", "GeV", "", "GeV", "GeV", "", "", "", "",
    ]

    /// Human-readable labels (LaTeX-free) for plots and tables.
    public static let labels: [String] = [
        "m(tt̄)", "pT(tt̄)", "Δη(tt̄)", "Δ|η|(tt̄)", "pT(t)", "η(t)", "pT(t̄)", "η(t̄)",
        "m(ℓℓ)", "pT(ℓℓ)", "Δη(ℓℓ)", "Δ|η|(ℓℓ)", "|Δφ|(ℓℓ)", "cos φ_lab(ℓℓ)",
    ]

    /// Index of an observable by machine name, nil if unknown.
    public static func index(of name: String) -> Int? { names.firstIndex(of: name) }
}
