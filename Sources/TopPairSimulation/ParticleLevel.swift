// Particle level z_ptl: top quarks in the lab, t → bW → bℓν decays with two-body
// kinematics in the rest frames, and particle-level jets (b jets and ISR jets).

/// The particle-level final state of one event.
struct ParticleEvent {
    var top: FourVector
    var antitop: FourVector
    var leptonPlus: FourVector
    var leptonMinus: FourVector
    /// |PDG id| of ℓ⁺ and ℓ⁻ (11 or 13).
    var flavourPlus: Int
    var flavourMinus: Int
    var neutrino: FourVector
    var antineutrino: FourVector
    /// Number of particle-level jets written to the jet buffer (b, b̄, then ISR jets).
    var jets: Int
    /// Particle-level jets with pT > 30 GeV and |η| < 2.4 (N_gen-jet).
    var genJets: Int
    /// H_T/2 = (m_T(t) + m_T(t̄))/2, the dynamic scale μ0 (GeV).
    var mu0: Double
}

enum ParticleLevel {
    /// Fields per particle-level jet in the jet buffer: pT, η, φ, mass, flavour, cos φ, sin φ.
    static let jetFields = 7
    /// Capacity of the jet buffer: two b jets plus the ISR emissions.
    static let maxJets = 2 + PartonLevel.maxEmissions

    /// Builds the lab-frame final state of `parton`, writing particle-level jets to `jets`.
    @inline(__always)
    static func generate(_ rng: inout CounterRNG, parton p: PartonEvent, tuning t: GeneratorTuning,
                         emissions: UnsafePointer<Double>, jets: UnsafeMutablePointer<Double>) -> ParticleEvent {
        // tt̄ system in the lab: mass m, rapidity y, transverse momentum from the ISR recoil.
        let m = p.mtt
        let pt2 = p.pxTT * p.pxTT + p.pyTT * p.pyTT
        let mT = (m * m + pt2).squareRoot()
        let system = FourVector(px: p.pxTT, py: p.pyTT, pz: mT * _sinh(p.ytt), e: mT * _cosh(p.ytt))
        let (bx, by, bz) = system.velocity
        // Tops back to back in the tt̄ rest frame at angle θ* to the beam axis.
        let pStar = twoBodyMomentum(m, Physics.topMass, Physics.topMass)
        let s = (max(0, 1 - p.cosTheta * p.cosTheta)).squareRoot()
        let nx = s * _cos(p.phiStar), ny = s * _sin(p.phiStar), nz = p.cosTheta
        let top = FourVector(momentum: pStar, nx: nx, ny: ny, nz: nz, mass: Physics.topMass)
            .boosted(bx: bx, by: by, bz: bz)
        let antitop = FourVector(momentum: pStar, nx: -nx, ny: -ny, nz: -nz, mass: Physics.topMass)
            .boosted(bx: bx, by: by, bz: bz)
        let (b, lp, nu) = decay(&rng, top)
        let (bbar, lm, nubar) = decay(&rng, antitop)
        let fp = rng.uniform() < 0.5 ? 11 : 13
        let fm = rng.uniform() < 0.5 ? 11 : 13
        // Particle-level jets: b quarks with a response (out-of-cone radiation, neutrinos
        // in B decays) and a jet mass from the hadronization spread; then ISR jets.
        var n = 0
        var genJets = 0
        @inline(__always) func addJet(_ pt: Double, _ eta: Double, _ phi: Double, _ cosPhi: Double,
                                      _ sinPhi: Double, _ flavour: Double, _ rng: inout CounterRNG) {
            let j = jets + n * jetFields
            j[0] = pt; j[1] = eta; j[2] = phi; j[5] = cosPhi; j[6] = sinPhi
            j[3] = max(flavour == 5 ? Physics.bMass : 0, pt * (0.05 + 0.07 * rng.uniform()))
            j[4] = flavour
            if pt > 30 && abs(eta) < 2.4 { genJets += 1 }
            n += 1
        }
        let rb = max(0.5, t.bJetResponse + t.bJetResponseWidth * rng.gaussian())
        let bpt = b.pt, bbarpt = bbar.pt
        addJet(bpt * rb, b.eta, b.phi, b.px / bpt, b.py / bpt, 5, &rng)
        let rbbar = max(0.5, t.bJetResponse + t.bJetResponseWidth * rng.gaussian())
        addJet(bbarpt * rbbar, bbar.eta, bbar.phi, bbar.px / bbarpt, bbar.py / bbarpt, 5, &rng)
        for i in 0..<p.emissions {
            let e = emissions + i * PartonLevel.emissionFields
            addJet(e[0], e[1], e[2], e[4], e[5], e[3], &rng)
        }
        let mtTop = (Physics.topMass * Physics.topMass + top.pt * top.pt).squareRoot()
        let mtAnti = (Physics.topMass * Physics.topMass + antitop.pt * antitop.pt).squareRoot()
        return ParticleEvent(top: top, antitop: antitop, leptonPlus: lp, leptonMinus: lm,
                             flavourPlus: fp, flavourMinus: fm, neutrino: nu, antineutrino: nubar,
                             jets: n, genJets: genJets, mu0: 0.5 * (mtTop + mtAnti))
    }

    /// t → bW, W → ℓν: isotropic two-body decays in the top and W rest frames (spin
    /// correlations are not modelled), boosted into the lab. Returns (b, ℓ, ν).
    @inline(__always)
    static func decay(_ rng: inout CounterRNG, _ top: FourVector) -> (FourVector, FourVector, FourVector) {
        let pbw = twoBodyMomentum(Physics.topMass, Physics.wMass, Physics.bMass)
        let (ux, uy, uz) = isotropicDirection(&rng)
        let b = FourVector(momentum: pbw, nx: ux, ny: uy, nz: uz, mass: Physics.bMass)
        let w = FourVector(momentum: pbw, nx: -ux, ny: -uy, nz: -uz, mass: Physics.wMass)
        let (vx, vy, vz) = isotropicDirection(&rng)
        let half = 0.5 * Physics.wMass
        let (wx, wy, wz) = w.velocity
        let l = FourVector(momentum: half, nx: vx, ny: vy, nz: vz, mass: 0).boosted(bx: wx, by: wy, bz: wz)
        let nu = FourVector(momentum: half, nx: -vx, ny: -vy, nz: -vz, mass: 0).boosted(bx: wx, by: wy, bz: wz)
        let (tx, ty, tz) = top.velocity
        return (b.boosted(bx: tx, by: ty, bz: tz), l.boosted(bx: tx, by: ty, bz: tz),
                nu.boosted(bx: tx, by: ty, bz: tz))
    }
}
