// One event from random numbers to latent row, observables and weights: the per-event
// pipeline parton → particle → detector → reconstruction, plus the pre-selection.

/// Everything an event needs besides its index; a value, shared read-only by all threads.
struct GenerationContext: Sendable {
    var seed: UInt64
    var stream: UInt64
    var tuning: GeneratorTuning
    var detector: DetectorModel
    var scale: ScaleModel
    var preselectionSigma: Double

    init(_ s: SimulationSettings) {
        seed = s.seed
        stream = s.generator.stream
        tuning = s.effectiveTuning
        detector = s.detector
        scale = s.scale
        preselectionSigma = s.preselectionJESSigma
    }
}

/// Scratch memory of one worker, allocated once per chunk so the event loop never touches
/// the heap.
struct EventWorkspace {
    let emissions: UnsafeMutablePointer<Double>
    let jets: UnsafeMutablePointer<Double>
    let candidates: UnsafeMutablePointer<Double>
    let shiftedRow: UnsafeMutablePointer<Double>
    let shiftedX: UnsafeMutablePointer<Double>

    init() {
        emissions = .allocate(capacity: PartonLevel.maxEmissions * PartonLevel.emissionFields)
        jets = .allocate(capacity: ParticleLevel.maxJets * ParticleLevel.jetFields)
        candidates = .allocate(capacity: ParticleLevel.maxJets * Detector.candidateFields)
        shiftedRow = .allocate(capacity: Latent.width)
        shiftedX = .allocate(capacity: ObservableSet.count)
    }

    func deallocate() {
        emissions.deallocate(); jets.deallocate(); candidates.deallocate()
        shiftedRow.deallocate(); shiftedX.deallocate()
    }
}

enum EventGenerator {
    enum Outcome { case dropped, preselected, fiducial }

    /// Generates event `index` and writes its latent row `z`, observables `x`, 20 SMEFT
    /// coefficients `r` and 8 scale-weight ratios `s`. Dropped events leave garbage in the
    /// outputs, which the caller overwrites with the next event.
    @inline(__always)
    static func generate(index: UInt64, context c: GenerationContext, workspace w: EventWorkspace,
                         z: UnsafeMutablePointer<Double>, x: UnsafeMutablePointer<Double>,
                         r: UnsafeMutablePointer<Double>, s: UnsafeMutablePointer<Double>) -> Outcome {
        var rng = CounterRNG(seed: c.seed, stream: c.stream, index: index)
        let parton = PartonLevel.generate(&rng, tuning: c.tuning, emissions: w.emissions)
        let particle = ParticleLevel.generate(&rng, parton: parton, tuning: c.tuning,
                                              emissions: w.emissions, jets: w.jets)
        guard Detector.simulate(&rng, parton: parton, particle: particle, jets: w.jets,
                                candidates: w.candidates, model: c.detector, into: z) else { return .dropped }
        let sel = c.detector.selection
        let fiducial = Reconstruction.reconstruct(row: z, into: x, selection: sel)
        if !fiducial && !passesUnderJES(z: z, context: c, workspace: w) { return .dropped }
        let (a, b) = SMEFT.amplitudes(initialState: parton.initialState, mtt: parton.mtt,
                                      cosThetaQuark: parton.cosThetaQuark, cpOdd: z[Latent.cpOdd])
        SMEFT.coefficients(a: a, b: b, into: r)
        ScaleWeights.ratios(mu0: particle.mu0, x1: parton.x1, x2: parton.x2,
                            initialState: parton.initialState, model: c.scale, into: s)
        return fiducial ? .fiducial : .preselected
    }

    /// The pre-selection: does the event pass for a JES variation ν = ±σ_pre? JES moves
    /// neither leptons nor b-tag decisions, and no stored jet can cross 30 GeV at ±3σ from
    /// below the 25 GeV storage threshold, so events with too few stored (tagged) jets are
    /// rejected before any reconstruction.
    @inline(__always)
    static func passesUnderJES(z: UnsafeMutablePointer<Double>, context c: GenerationContext,
                               workspace w: EventWorkspace) -> Bool {
        let sel = c.detector.selection
        guard c.preselectionSigma > 0 else { return false }
        let n = Int(z[Latent.nJets])
        guard n >= sel.minJets else { return false }
        var tags = 0
        for k in 0..<n where z[Latent.jetTag(k)] > 0.5 { tags += 1 }
        guard tags >= sel.minBTags else { return false }
        for sign in 0..<2 {
            w.shiftedRow.update(from: z, count: Latent.width)
            c.detector.jetEnergyScale.shift(row: w.shiftedRow, nu: sign == 0 ? c.preselectionSigma : -c.preselectionSigma)
            if Reconstruction.reconstruct(row: w.shiftedRow, into: w.shiftedX, selection: sel) { return true }
        }
        return false
    }

    /// The sign of event `index`'s weight (−1 with probability `negativeWeightFraction`),
    /// from its own sub-stream so it can be recomputed without regenerating the event.
    @inline(__always)
    static func weightSign(index: UInt64, context c: GenerationContext) -> Double {
        guard c.tuning.negativeWeightFraction > 0 else { return 1 }
        var rng = CounterRNG(seed: c.seed, stream: c.stream, index: index).substream(0x5167)
        return rng.uniform() < c.tuning.negativeWeightFraction ? -1 : 1
    }
}
