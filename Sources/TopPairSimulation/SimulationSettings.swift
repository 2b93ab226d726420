// Configuration of one simulation run.

/// Which generator a sample comes from (the two-point systematic of section 7.2).
public enum Generator: String, Codable, Sendable, CaseIterable {
    /// Leading-order "MADGRAPH5_aMC@NLO + PYTHIA"-like sample: the nominal simulation.
    case nominal
    /// NLO "POWHEG"-like sample: independent random stream, different tuning, a few
    /// percent negative weights.
    case alternative

    /// The random-number stream of this generator; different streams give statistically
    /// independent samples for the same seed.
    public var stream: UInt64 { self == .nominal ? 1 : 2 }
}

/// Settings of `Simulation.run`. Decoding accepts partial JSON: missing keys take defaults.
public struct SimulationSettings: Codable, Sendable, Equatable {
    public var seed: UInt64 = 1
    public var generator: Generator = .nominal
    /// Number of events passing the nominal selection to produce (N_fid).
    public var fiducialEvents: Int = 20_000
    /// Fiducial cross-section σ_fid (pb) the nominal sample is normalized to (section 7.1).
    public var crossSectionPb: Double = 0.31
    /// Generated cross-section σ_gen (pb) of the phase space the toy generates (true
    /// m(tt̄) > `mttMin`): calibrated once as σ_fid / (N_fid/N_gen) of a large nominal
    /// sample, so that both generators describe the same inclusive cross-section. The
    /// alternative sample is normalized to it; the nominal one exactly to σ_fid.
    public var generatedCrossSectionPb: Double = Simulation.calibratedGeneratedCrossSectionPb
    /// Keep events that fail the nominal selection but pass it for a JES variation of
    /// ±`preselectionJESSigma` (with fiducial = 0), for the calibration plugins.
    public var preselectionJESSigma: Double = 3
    /// Event indices per chunk. Results do not depend on the thread count; they depend on
    /// the chunk size only through the last chunk processed, never through event content.
    public var chunkSize: Int = 1 << 16
    /// Tuning of the generator; nil means the default for `generator`.
    public var tuning: GeneratorTuning? = nil
    public var detector = DetectorModel()
    public var scale = ScaleModel()

    public init(seed: UInt64 = 1, generator: Generator = .nominal, fiducialEvents: Int = 20_000) {
        self.seed = seed
        self.generator = generator
        self.fiducialEvents = fiducialEvents
    }

    /// The tuning in effect.
    public var effectiveTuning: GeneratorTuning {
        tuning ?? (generator == .nominal ? .nominal : .alternative)
    }

    enum CodingKeys: String, CodingKey {
        case seed, generator, fiducialEvents, crossSectionPb, generatedCrossSectionPb
        case preselectionJESSigma, chunkSize, tuning, detector, scale
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SimulationSettings()
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        generator = try c.decodeIfPresent(Generator.self, forKey: .generator) ?? d.generator
        fiducialEvents = try c.decodeIfPresent(Int.self, forKey: .fiducialEvents) ?? d.fiducialEvents
        crossSectionPb = try c.decodeIfPresent(Double.self, forKey: .crossSectionPb) ?? d.crossSectionPb
        generatedCrossSectionPb = try c.decodeIfPresent(Double.self, forKey: .generatedCrossSectionPb)
            ?? d.generatedCrossSectionPb
        preselectionJESSigma = try c.decodeIfPresent(Double.self, forKey: .preselectionJESSigma)
            ?? d.preselectionJESSigma
        chunkSize = try c.decodeIfPresent(Int.self, forKey: .chunkSize) ?? d.chunkSize
        tuning = try c.decodeIfPresent(GeneratorTuning.self, forKey: .tuning)
        detector = try c.decodeIfPresent(DetectorModel.self, forKey: .detector) ?? d.detector
        scale = try c.decodeIfPresent(ScaleModel.self, forKey: .scale) ?? d.scale
    }
}
