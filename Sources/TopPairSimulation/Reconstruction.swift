// Selection and top-quark reconstruction from the latent row alone: the host service that
// calibration plugins call after modifying jets and MET (eq. 30), and that the simulation
// itself uses for the nominal x.

/// Recomputes the observables x and the selection decision from latent rows z.
///
/// Top reconstruction (deterministic, no fit): the two highest-pT b-tagged jets in
/// acceptance are paired with ℓ⁺ and ℓ⁻ choosing the assignment with the smaller
/// max(m(bℓ⁺), m(b̄ℓ⁻)). Each neutrino is taken collinear with its visible (b + ℓ) system,
/// p(ν_i) = α_i p_vis,i (massless), with α found from the MET by regularized least squares,
///   min |MET − α₁ v₁ − α₂ v₂|² + λ[(α₁ − ½)² + (α₂ − ½)²],  λ = ¼ (|v₁|² + |v₂|²)/2,
/// where v_i are the visible transverse momenta and ½ is the typical neutrino-to-visible
/// momentum ratio in top decays; α_i are clamped to [0, 3]. The prior keeps the 2×2 system
/// well conditioned when the tops are back to back. Jet calibrations therefore reach the
/// top observables both through the b jets and through the MET.
///
/// x is written whenever the event has two opposite-charge leptons in acceptance and at
/// least two b-tagged jets in acceptance (finite values, also if other cuts fail); otherwise
/// all 14 entries are NaN. The pass flag is 1 only if every cut of `Selection` holds.
public enum Reconstruction {
    /// Reconstructs `count` events: `latent` is N × `Latent.width`, `observables` N × 14,
    /// `passes` N (1 = passes the selection). Bit-for-bit identical to what the simulation
    /// stored for unmodified latent rows.
    public static func reconstruct(latent: UnsafeBufferPointer<Double>, count: Int,
                                   observables: UnsafeMutableBufferPointer<Double>,
                                   passes: UnsafeMutableBufferPointer<UInt8>,
                                   selection: Selection = Selection()) {
        precondition(latent.count >= count * Latent.width, "latent buffer too small")
        precondition(observables.count >= count * ObservableSet.count, "observable buffer too small")
        precondition(passes.count >= count, "pass buffer too small")
        guard count > 0, let z = latent.baseAddress, let x = observables.baseAddress,
              let p = passes.baseAddress else { return }
        for i in 0..<count {
            let ok = reconstruct(row: z + i * Latent.width, into: x + i * ObservableSet.count,
                                 selection: selection)
            p[i] = ok ? 1 : 0
        }
    }

    /// Array convenience: returns (x as N × 14, pass flags).
    public static func reconstruct(latent: [Double], selection: Selection = Selection())
        -> (observables: [Double], passes: [UInt8]) {
        precondition(latent.count % Latent.width == 0, "latent size is not a multiple of Latent.width")
        let n = latent.count / Latent.width
        var x = [Double](repeating: 0, count: n * ObservableSet.count)
        var p = [UInt8](repeating: 0, count: n)
        latent.withUnsafeBufferPointer { z in
            x.withUnsafeMutableBufferPointer { xb in
                p.withUnsafeMutableBufferPointer { pb in
                    reconstruct(latent: z, count: n, observables: xb, passes: pb, selection: selection)
                }
            }
        }
        return (x, p)
    }

    /// Reconstructs one event: writes 14 observables to `x` and returns the selection decision.
    @inlinable
    public static func reconstruct(row z: UnsafePointer<Double>, into x: UnsafeMutablePointer<Double>,
                                   selection: Selection = Selection()) -> Bool {
        // Leptons: slot 0 is ℓ⁺, slot 1 ℓ⁻ by construction; check charges anyway.
        let q0 = z[Latent.leptonCharge(0)], q1 = z[Latent.leptonCharge(1)]
        var leptonsOK = q0 * q1 < 0
        for k in 0..<2 where z[Latent.leptonPt(k)] <= selection.leptonPtMin
            || abs(z[Latent.leptonEta(k)]) >= selection.leptonEtaMax {
            leptonsOK = false
        }
        // Jets in acceptance and the two leading b-tagged ones.
        let n = min(Int(z[Latent.nJets]), Latent.maxJets)
        var nSel = 0, nTag = 0
        var b1 = -1, b2 = -1
        var pt1 = -1.0, pt2 = -1.0
        for k in 0..<n {
            let pt = z[Latent.jetPt(k)]
            guard pt > selection.jetPtMin && abs(z[Latent.jetEta(k)]) < selection.jetEtaMax else { continue }
            nSel += 1
            guard z[Latent.jetTag(k)] > 0.5 else { continue }
            nTag += 1
            if pt > pt1 { b2 = b1; pt2 = pt1; b1 = k; pt1 = pt } else if pt > pt2 { b2 = k; pt2 = pt }
        }
        guard leptonsOK && b1 >= 0 && b2 >= 0 else {
            for j in 0..<ObservableSet.count { x[j] = .nan }
            return false
        }
        let iPlus = q0 > 0 ? 0 : 1
        let lp = lepton(z, iPlus), lm = lepton(z, 1 - iPlus)
        let ja = jet(z, b1), jb = jet(z, b2)
        // Pairing: the assignment with the smaller of the two larger m(bℓ).
        let m1 = max((ja + lp).mass, (jb + lm).mass)
        let m2 = max((jb + lp).mass, (ja + lm).mass)
        let visT = m1 <= m2 ? ja + lp : jb + lp
        let visTbar = m1 <= m2 ? jb + lm : ja + lm
        // Neutrinos collinear with their charged leptons (boosted W decays), α from the
        // regularized MET fit with prior α0 (the neutrino takes half the W energy on average).
        let mx = z[Latent.metX], my = z[Latent.metY]
        let v11 = lp.px * lp.px + lp.py * lp.py
        let v22 = lm.px * lm.px + lm.py * lm.py
        let v12 = lp.px * lm.px + lp.py * lm.py
        let lambda = neutrinoRegularization * 0.5 * (v11 + v22)
        let r1 = mx * lp.px + my * lp.py + neutrinoPrior * lambda
        let r2 = mx * lm.px + my * lm.py + neutrinoPrior * lambda
        let a11 = v11 + lambda, a22 = v22 + lambda
        let det = a11 * a22 - v12 * v12
        var alpha1 = neutrinoPrior, alpha2 = neutrinoPrior
        if det > 1e-9 {
            alpha1 = min(max((r1 * a22 - r2 * v12) / det, 0), 4)
            alpha2 = min(max((a11 * r2 - v12 * r1) / det, 0), 4)
        }
        let top = visT + neutrino(lp, alpha1)
        let antitop = visTbar + neutrino(lm, alpha2)
        let tt = top + antitop
        let ll = lp + lm
        let mtt = tt.mass
        let etaT = top.eta, etaTbar = antitop.eta
        x[ObservableSet.mtt] = mtt
        x[ObservableSet.ptTT] = tt.pt
        x[ObservableSet.detaTT] = etaT - etaTbar
        x[ObservableSet.dabsetaTT] = abs(etaT) - abs(etaTbar)
        x[ObservableSet.ptTop] = top.pt
        x[ObservableSet.etaTop] = etaT
        x[ObservableSet.ptAntitop] = antitop.pt
        x[ObservableSet.etaAntitop] = etaTbar
        let mll = ll.mass
        let etaP = z[Latent.leptonEta(iPlus)], etaM = z[Latent.leptonEta(1 - iPlus)]
        x[ObservableSet.mll] = mll
        x[ObservableSet.ptLL] = ll.pt
        x[ObservableSet.detaLL] = etaP - etaM
        x[ObservableSet.dabsetaLL] = abs(etaP) - abs(etaM)
        x[ObservableSet.absDphiLL] = abs(deltaPhi(z[Latent.leptonPhi(iPlus)], z[Latent.leptonPhi(1 - iPlus)]))
        x[ObservableSet.cosPhiLL] = (lp.px * lm.px + lp.py * lm.py + lp.pz * lm.pz) / (lp.p * lm.p)

        let sameFlavour = z[Latent.leptonFlavour(0)] == z[Latent.leptonFlavour(1)]
        let zVeto = sameFlavour && abs(mll - selection.zMass) < selection.zWindow
        return !zVeto && nSel >= selection.minJets && nTag >= selection.minBTags && mtt > selection.mttMin
    }

    @inlinable static func lepton(_ z: UnsafePointer<Double>, _ k: Int) -> FourVector {
        let m = z[Latent.leptonFlavour(k)] == 11 ? 0.000511 : 0.10566
        return FourVector(pt: z[Latent.leptonPt(k)], eta: z[Latent.leptonEta(k)],
                          phi: z[Latent.leptonPhi(k)], mass: m)
    }

    @inlinable static func jet(_ z: UnsafePointer<Double>, _ k: Int) -> FourVector {
        FourVector(pt: z[Latent.jetPt(k)], eta: z[Latent.jetEta(k)], phi: z[Latent.jetPhi(k)],
                   mass: z[Latent.jetMass(k)])
    }

    /// Prior α0 of the neutrino-to-lepton momentum ratio in the MET fit.
    public static let neutrinoPrior = 1.0
    /// Strength κ of the prior: λ = κ (|pT(ℓ⁺)|² + |pT(ℓ⁻)|²)/2.
    public static let neutrinoRegularization = 0.25

    /// A massless neutrino with momentum α times the lepton three-momentum.
    @inlinable static func neutrino(_ vis: FourVector, _ alpha: Double) -> FourVector {
        let px = alpha * vis.px, py = alpha * vis.py, pz = alpha * vis.pz
        return FourVector(px: px, py: py, pz: pz, e: (px * px + py * py + pz * pz).squareRoot())
    }
}
