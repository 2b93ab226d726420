// The selection efficiency step by step, for tuning and for the documentation.

/// Cut-flow counts of the nominal selection on the first N generated event indices.
public enum CutFlow {
    /// One step of the cut flow.
    public struct Step: Sendable {
        public var name: String
        public var events: Int
    }

    /// Counts events surviving each cut, in order, for event indices 0..<events.
    public static func measure(_ settings: SimulationSettings, events: Int) -> [Step] {
        let c = GenerationContext(settings)
        let sel = c.detector.selection
        let w = EventWorkspace()
        let z = UnsafeMutablePointer<Double>.allocate(capacity: Latent.width)
        let x = UnsafeMutablePointer<Double>.allocate(capacity: ObservableSet.count)
        defer { w.deallocate(); z.deallocate(); x.deallocate() }
        var counts = [Int](repeating: 0, count: 9)
        for i in 0..<events {
            var rng = CounterRNG(seed: c.seed, stream: c.stream, index: UInt64(i))
            let p = PartonLevel.generate(&rng, tuning: c.tuning, emissions: w.emissions)
            let q = ParticleLevel.generate(&rng, parton: p, tuning: c.tuning, emissions: w.emissions, jets: w.jets)
            counts[0] += 1
            if p.mtt > sel.mttMin { counts[1] += 1 }
            guard Detector.simulate(&rng, parton: p, particle: q, jets: w.jets, candidates: w.candidates,
                                    model: c.detector, into: z) else { continue }
            counts[2] += 1
            let pass = Reconstruction.reconstruct(row: z, into: x, selection: sel)
            let n = Int(z[Latent.nJets])
            var nSel = 0, nTag = 0
            for k in 0..<n where z[Latent.jetPt(k)] > sel.jetPtMin {
                nSel += 1
                if z[Latent.jetTag(k)] > 0.5 { nTag += 1 }
            }
            let sf = z[Latent.leptonFlavour(0)] == z[Latent.leptonFlavour(1)]
            guard !(sf && x[ObservableSet.mll].isFinite && abs(x[ObservableSet.mll] - sel.zMass) < sel.zWindow)
            else { continue }
            counts[3] += 1
            guard nSel >= 2 else { continue }
            counts[4] += 1
            guard nSel >= sel.minJets else { continue }
            counts[5] += 1
            guard nTag >= sel.minBTags else { continue }
            counts[6] += 1
            if pass { counts[7] += 1 }
            if pass && p.mtt > sel.mttMin { counts[8] += 1 }
        }
        let names = ["generated (true m(tt̄) > \(Int(c.tuning.mttMin)) GeV)", "true m(tt̄) > \(Int(sel.mttMin)) GeV",
                     "two identified leptons in acceptance", "Z veto (same flavour)", "≥ 2 jets",
                     "≥ \(sel.minJets) jets", "≥ \(sel.minBTags) b tags", "reco m(tt̄) > \(Int(sel.mttMin)) GeV (fiducial)",
                     "fiducial and true m(tt̄) > \(Int(sel.mttMin)) GeV"]
        return zip(names, counts).map { Step(name: $0.0, events: $0.1) }
    }
}
