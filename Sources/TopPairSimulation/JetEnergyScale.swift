// Jet energy scale (JES) uncertainty model and the per-jet variation of section 7.3.

/// The jet energy scale uncertainty σ_JES(pT, η) and its variation (section 7.3, eq. 85).
///
/// σ_JES = min(maximum, constant · (1 + k (|η| − 1.3)₊²) + lowPtTerm / pT): about 1% for
/// central jets at high pT, rising to about 4% at pT = 30 GeV and towards |η| = 2.4, the
/// shape of the CMS "total" JES uncertainty. A variation ν scales every jet four-momentum
/// by (1 + ν σ_JES) (pT and mass; η and φ are unchanged) and propagates the change to the
/// missing transverse momentum.
public struct JetEnergyScale: Codable, Sendable, Equatable {
    /// Relative uncertainty of central high-pT jets.
    public var constant: Double = 0.009
    /// Growth beyond the barrel: factor (1 + etaCoefficient · (|η| − barrelEdge)²).
    public var etaCoefficient: Double = 2.3
    public var barrelEdge: Double = 1.3
    /// Low-pT term (GeV): adds lowPtTerm / pT.
    public var lowPtTerm: Double = 0.15
    /// Upper bound of σ_JES.
    public var maximum: Double = 0.05

    public init() {}

    /// Relative JES uncertainty of a jet with transverse momentum `pt` (GeV) and
    /// pseudorapidity `eta`.
    @inlinable public func sigma(pt: Double, eta: Double) -> Double {
        let endcap = max(abs(eta) - barrelEdge, 0)
        let s = constant * (1 + etaCoefficient * endcap * endcap) + lowPtTerm / max(pt, 1)
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
