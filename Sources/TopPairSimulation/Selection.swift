// The event selection of section 7.1, as one value so that the simulation and the
// calibration plugins apply exactly the same cuts.

/// Cuts of the tt̄(2ℓ) selection (section 7.1 of the paper).
///
/// Two opposite-charge leptons with pT > 20 GeV and |η| < 2.5; for same-flavour pairs the
/// Z window |m(ℓℓ) − m_Z| < 10 GeV is rejected; jets with pT > 30 GeV and |η| < 2.4, at
/// least `minJets` of them (default 3: the paper asks for *more than two*) with at least
/// `minBTags` b tags (default 2); reconstructed m(tt̄) > 750 GeV.
public struct Selection: Codable, Sendable, Equatable {
    public var leptonPtMin: Double = 20
    public var leptonEtaMax: Double = 2.5
    public var jetPtMin: Double = 30
    public var jetEtaMax: Double = 2.4
    public var minJets: Int = 3
    public var minBTags: Int = 2
    public var zMass: Double = 91.19
    public var zWindow: Double = 10
    public var mttMin: Double = 750

    public init() {}
}
