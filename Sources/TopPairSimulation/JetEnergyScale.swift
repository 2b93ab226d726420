// Jet energy scale (JES) uncertainty model and the per-jet variation of section 7.3.

/// The jet energy scale uncertainty σ_JES(pT, η) and its variation (section 7.3, eq. 85).
///
/// σ_JES = min(maximum, constant · (1 + k (|η| − 1.3)₊²) + lowPtTerm / pT
///                      + highPtTerm · ln(pT / highPtPivot)₊),
/// the shape of the CMS "total" JES uncertainty: smallest (0.8%) for central jets around
/// 150 GeV, larger at low pT (1.0% at 30 GeV central, 1.9% at 25 GeV and |η| = 2.4) and
/// rising again at high pT (2.9% at 500 GeV, 4.1% at 1 TeV, capped at 5%), where the
/// response has to be extrapolated from single-particle measurements. The high-pT rise is
/// what makes the JES effect grow with pT(t̄) from 2% to 5% (section 7.3, figure 7): energetic tops
/// carry energetic b jets whose larger shift moves events up the steeply falling pT(t̄)
/// spectrum, while at low pT(t̄) the migration across the m(tt̄) threshold dominates.
/// A variation ν scales every jet four-momentum by (1 + ν σ_JES) (pT and mass; η and φ are
/// unchanged) and propagates the change to the missing transverse momentum.
public struct JetEnergyScale: Codable, Sendable, Equatable {
    /// Relative uncertainty of central jets at the pivot (before the low-pT term).
    public var constant: Double = 0.007
    /// Growth beyond the barrel: factor (1 + etaCoefficient · (|η| − barrelEdge)²).
    public var etaCoefficient: Double = 1.0
    public var barrelEdge: Double = 1.3
    /// Low-pT term (GeV): adds lowPtTerm / pT.
    public var lowPtTerm: Double = 0.1
    /// High-pT extrapolation term: adds highPtTerm · ln(pT / highPtPivot) above the pivot.
    public var highPtTerm: Double = 0.018
    /// Pivot (GeV) above which the high-pT term grows.
    public var highPtPivot: Double = 150
    /// Upper bound of σ_JES.
    public var maximum: Double = 0.05

    public init() {}

    enum CodingKeys: String, CodingKey {
        case constant, etaCoefficient, barrelEdge, lowPtTerm, highPtTerm, highPtPivot, maximum
    }

    /// Decodes a stored model. Samples simulated before the high-pT term existed carry no
    /// `highPtTerm`; for them it is 0, which is the model they were made with, so that an
    /// old archive still reproduces bit for bit.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        constant = try c.decode(Double.self, forKey: .constant)
        etaCoefficient = try c.decode(Double.self, forKey: .etaCoefficient)
        barrelEdge = try c.decode(Double.self, forKey: .barrelEdge)
        lowPtTerm = try c.decode(Double.self, forKey: .lowPtTerm)
        highPtTerm = try c.decodeIfPresent(Double.self, forKey: .highPtTerm) ?? 0
        highPtPivot = try c.decodeIfPresent(Double.self, forKey: .highPtPivot) ?? highPtPivot
        maximum = try c.decode(Double.self, forKey: .maximum)
    }

    /// Relative JES uncertainty of a jet with transverse momentum `pt` (GeV) and
    /// pseudorapidity `eta`.
    @inlinable public func sigma(pt: Double, eta: Double) -> Double {
        let endcap = max(abs(eta) - barrelEdge, 0)
        let s = constant * (1 + etaCoefficient * endcap * endcap) + lowPtTerm / max(pt, 1)
            + (pt > highPtPivot ? highPtTerm * _log(pt / highPtPivot) : 0)
        return min(maximum, s)
    }

    /// Applies a variation ν to one latent row in place: each stored jet's pT and mass are
    /// multiplied by (1 + ν σ_JES(pT, η)) evaluated at the row's current pT, and the MET
    /// absorbs the opposite of the transverse momentum change (type-1 propagation).
    @inlinable public func shift(row: UnsafeMutablePointer<Double>, nu: Double) {
        let n = min(Int(row[Latent.nJets]), Latent.maxJets)
        var dx = 0.0, dy = 0.0
        for k in 0..<n {
            let pt = row[Latent.jetPt(k)]
            let eta = row[Latent.jetEta(k)]
            let phi = row[Latent.jetPhi(k)]
            let scale = 1 + nu * sigma(pt: pt, eta: eta)
            let dpt = pt * (scale - 1)
            dx += dpt * _cos(phi)
            dy += dpt * _sin(phi)
            row[Latent.jetPt(k)] = pt * scale
            row[Latent.jetMass(k)] *= scale
        }
        row[Latent.metX] -= dx
        row[Latent.metY] -= dy
    }

    /// Applies a variation ν to `count` latent rows stored row-major in `latent`.
    public func shift(latent: UnsafeMutableBufferPointer<Double>, count: Int, nu: Double) {
        precondition(latent.count >= count * Latent.width, "latent buffer too small")
        guard let base = latent.baseAddress else { return }
        for i in 0..<count { shift(row: base + i * Latent.width, nu: nu) }
    }

    /// A copy of the latent rows (N × `Latent.width`) with the variation ν applied.
    public static func shift(latent: [Double], nu: Double,
                             model: JetEnergyScale = JetEnergyScale()) -> [Double] {
        precondition(latent.count % Latent.width == 0, "latent size is not a multiple of Latent.width")
        var out = latent
        let n = latent.count / Latent.width
        out.withUnsafeMutableBufferPointer { model.shift(latent: $0, count: n, nu: nu) }
        return out
    }
}
