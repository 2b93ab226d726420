// Detector level z_reco: jet smearing and acceptance, b-tag decisions, lepton
// identification, missing transverse momentum. Fills the latent row.

enum Detector {
    /// Fields per candidate jet in the scratch buffer: pT, η, φ, mass, flavour.
    static let candidateFields = 5

    /// Simulates the detector response to `particle` and writes the complete latent row
    /// `z`. Returns false if a lepton is lost (acceptance or identification): such events
    /// can pass the selection under no calibration variation and are dropped.
    ///
    /// - Jets: pT smeared with the stochastic/noise/constant resolution (η, φ kept, mass
    ///   scaled with pT); jets with pT > `Latent.storedJetPtMin` and |η| < 2.4 are stored,
    ///   highest pT first, at most `Latent.maxJets`; each stored jet is tagged with
    ///   probability ε_f · SF_f of `BTagModel`.
    /// - MET: true neutrinos, plus the mismeasurement of every jet (particle − reco), plus a
    ///   Gaussian soft term.
    @inline(__always)
    static func simulate(_ rng: inout CounterRNG, parton p: PartonEvent, particle q: ParticleEvent,
                         jets: UnsafePointer<Double>, candidates: UnsafeMutablePointer<Double>,
                         model d: DetectorModel, into z: UnsafeMutablePointer<Double>) -> Bool {
        // Leptons first: a lost lepton ends the event before any further work.
        let lsel = d.selection
        var lepPt = (0.0, 0.0)
        for k in 0..<2 {
            let l = k == 0 ? q.leptonPlus : q.leptonMinus
            let f = k == 0 ? q.flavourPlus : q.flavourMinus
            let eta = l.eta
            let pt = l.pt * (1 + d.leptons.resolution(flavour: f, pt: l.pt) * rng.gaussian())
            guard pt > lsel.leptonPtMin && abs(eta) < lsel.leptonEtaMax else { return false }
            let eff = d.leptons.efficiency(flavour: f, eta: eta) * d.leptons.scaleFactor(flavour: f, eta: eta)
            guard rng.uniform() < eff else { return false }
            if k == 0 { lepPt.0 = pt } else { lepPt.1 = pt }
        }
        // Jets: smear, accumulate the mismeasurement, keep candidates above the storage threshold.
        var metX = q.neutrino.px + q.antineutrino.px + d.softMET * rng.gaussian()
        var metY = q.neutrino.py + q.antineutrino.py + d.softMET * rng.gaussian()
        var nCand = 0
        for i in 0..<q.jets {
            let j = jets + i * ParticleLevel.jetFields
            let pt = j[0]
            let reco = max(0, pt * (1 + d.jetResolution(pt: pt) * rng.gaussian()))
            let dpt = pt - reco
            metX += dpt * j[5]
            metY += dpt * j[6]
            guard reco > Latent.storedJetPtMin && abs(j[1]) < lsel.jetEtaMax else { continue }
            // Insertion into the pT-ordered candidate list.
            var pos = nCand
            while pos > 0 && candidates[(pos - 1) * candidateFields] < reco {
                for f in 0..<candidateFields {
                    candidates[pos * candidateFields + f] = candidates[(pos - 1) * candidateFields + f]
                }
                pos -= 1
            }
            let c = candidates + pos * candidateFields
            c[0] = reco; c[1] = j[1]; c[2] = j[2]; c[3] = j[3] * (pt > 0 ? reco / pt : 1); c[4] = j[4]
            nCand += 1
        }
        let nStored = min(nCand, Latent.maxJets)

        // Parton and particle level.
        z[Latent.initialState] = Double(p.initialState)
        z[Latent.x1] = p.x1
        z[Latent.x2] = p.x2
        z[Latent.mttTrue] = p.mtt
        z[Latent.yttTrue] = p.ytt
        z[Latent.cosThetaStar] = p.cosTheta
        z[Latent.cosThetaStarQuark] = p.cosThetaQuark
        z[Latent.pttTrue] = (p.pxTT * p.pxTT + p.pyTT * p.pyTT).squareRoot()
        z[Latent.mu0] = q.mu0
        let lp = q.leptonPlus, lm = q.leptonMinus
        z[Latent.cpOdd] = (lp.px * lm.py - lp.py * lm.px) / (lp.p * lm.p)
        z[Latent.ptTopTrue] = q.top.pt
        z[Latent.etaTopTrue] = q.top.eta
        z[Latent.ptAntitopTrue] = q.antitop.pt
        z[Latent.etaAntitopTrue] = q.antitop.eta
        z[Latent.nGenJets] = Double(q.genJets)
        z[Latent.metTrueX] = q.neutrino.px + q.antineutrino.px
        z[Latent.metTrueY] = q.neutrino.py + q.antineutrino.py
        // Detector level: jets with b-tag decisions, drawn in pT order.
        z[Latent.nJets] = Double(nStored)
        for k in 0..<Latent.maxJets {
            if k < nStored {
                let c = candidates + k * candidateFields
                let flavour = Int(c[4])
                let tagged = rng.uniform() < d.bTagging.tagProbability(flavour: flavour, pt: c[0], eta: c[1])
                z[Latent.jetPt(k)] = c[0]
                z[Latent.jetEta(k)] = c[1]
                z[Latent.jetPhi(k)] = c[2]
                z[Latent.jetMass(k)] = c[3]
                z[Latent.jetFlavour(k)] = c[4]
                z[Latent.jetTag(k)] = tagged ? 1 : 0
            } else {
                for f in 0..<Latent.jetFields { z[Latent.jetPt(k) + f] = 0 }
            }
        }
        // Leptons: slot 0 is ℓ⁺, slot 1 is ℓ⁻.
        z[Latent.leptonPt(0)] = lepPt.0
        z[Latent.leptonEta(0)] = lp.eta
        z[Latent.leptonPhi(0)] = lp.phi
        z[Latent.leptonCharge(0)] = 1
        z[Latent.leptonFlavour(0)] = Double(q.flavourPlus)
        z[Latent.leptonPt(1)] = lepPt.1
        z[Latent.leptonEta(1)] = lm.eta
        z[Latent.leptonPhi(1)] = lm.phi
        z[Latent.leptonCharge(1)] = -1
        z[Latent.leptonFlavour(1)] = Double(q.flavourMinus)
        // Lepton mismeasurement also enters the MET.
        metX += (lp.pt - lepPt.0) * _cos(lp.phi) + (lm.pt - lepPt.1) * _cos(lm.phi)
        metY += (lp.pt - lepPt.0) * _sin(lp.phi) + (lm.pt - lepPt.1) * _sin(lm.phi)
        z[Latent.metX] = metX
        z[Latent.metY] = metY
        return true
    }
}
