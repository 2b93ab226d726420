// One chunk of event indices and the in-order assembly of chunks into a sample.

/// The kept events of one chunk of consecutive event indices. Written by one worker,
/// read after the batch completes.
final class ChunkResult: @unchecked Sendable {
    let start: Int
    let size: Int
    var latent: [Double] = []
    var observables: [Double] = []
    var smeft: [Double] = []
    var scaleRatio: [Double] = []
    var sign: [Double] = []
    var fiducialFlags: [UInt8] = []
    var eventIndex: [Int] = []
    /// Fiducial rows in this chunk.
    var fiducial = 0
    /// Negative-weight events among all `size` generated indices.
    var negatives = 0
    var count: Int { fiducialFlags.count }

    init(start: Int, size: Int) {
        self.start = start
        self.size = size
    }

    /// Generates event indices chunk·size ..< (chunk+1)·size.
    static func generate(chunk: Int, size: Int, context: GenerationContext) -> ChunkResult {
        let r = ChunkResult(start: chunk * size, size: size)
        let expected = size / 3
        r.latent.reserveCapacity(expected * Latent.width)
        r.observables.reserveCapacity(expected * ObservableSet.count)
        r.smeft.reserveCapacity(expected * SMEFT.coefficientCount)
        r.scaleRatio.reserveCapacity(expected * ScaleWeights.count)
        let w = EventWorkspace()
        let z = UnsafeMutablePointer<Double>.allocate(capacity: Latent.width)
        let x = UnsafeMutablePointer<Double>.allocate(capacity: ObservableSet.count)
        let c = UnsafeMutablePointer<Double>.allocate(capacity: SMEFT.coefficientCount)
        let s = UnsafeMutablePointer<Double>.allocate(capacity: ScaleWeights.count)
        defer { w.deallocate(); z.deallocate(); x.deallocate(); c.deallocate(); s.deallocate() }
        for i in r.start..<(r.start + size) {
            let sign = EventGenerator.weightSign(index: UInt64(i), context: context)
            if sign < 0 { r.negatives += 1 }
            let outcome = EventGenerator.generate(index: UInt64(i), context: context, workspace: w,
                                                  z: z, x: x, r: c, s: s)
            if outcome == .dropped { continue }
            r.latent.append(contentsOf: UnsafeBufferPointer(start: z, count: Latent.width))
            r.observables.append(contentsOf: UnsafeBufferPointer(start: x, count: ObservableSet.count))
            r.smeft.append(contentsOf: UnsafeBufferPointer(start: c, count: SMEFT.coefficientCount))
            r.scaleRatio.append(contentsOf: UnsafeBufferPointer(start: s, count: ScaleWeights.count))
            r.sign.append(sign)
            r.fiducialFlags.append(outcome == .fiducial ? 1 : 0)
            r.eventIndex.append(i)
            if outcome == .fiducial { r.fiducial += 1 }
        }
        return r
    }
}

/// Chunks appended in index order until the fiducial target is reached.
struct Assembly {
    var latent: [Double] = []
    var observables: [Double] = []
    var smeft: [Double] = []
    var scaleRatio: [Double] = []
    var sign: [Double] = []
    var fiducialFlags: [UInt8] = []
    var fiducialCount = 0
    var generatedEvents = 0
    var negatives = 0

    mutating func reserve(rows: Int) {
        latent.reserveCapacity(rows * Latent.width)
        observables.reserveCapacity(rows * ObservableSet.count)
        smeft.reserveCapacity(rows * SMEFT.coefficientCount)
        scaleRatio.reserveCapacity(rows * ScaleWeights.count)
        sign.reserveCapacity(rows)
        fiducialFlags.reserveCapacity(rows)
    }

    /// Appends `chunk`, truncated right after the target-th fiducial event. Returns true
    /// when the target is reached.
    mutating func append(_ chunk: ChunkResult, target: Int, context: GenerationContext) -> Bool {
        let need = target - fiducialCount
        var rows = chunk.count
        var reached = false
        if chunk.fiducial >= need {
            var seen = 0
            for j in 0..<chunk.count where chunk.fiducialFlags[j] == 1 {
                seen += 1
                if seen == need { rows = j + 1; break }
            }
            reached = true
        }
        latent.append(contentsOf: chunk.latent[0..<(rows * Latent.width)])
        observables.append(contentsOf: chunk.observables[0..<(rows * ObservableSet.count)])
        smeft.append(contentsOf: chunk.smeft[0..<(rows * SMEFT.coefficientCount)])
        scaleRatio.append(contentsOf: chunk.scaleRatio[0..<(rows * ScaleWeights.count)])
        sign.append(contentsOf: chunk.sign[0..<rows])
        fiducialFlags.append(contentsOf: chunk.fiducialFlags[0..<rows])
        if reached {
            let last = chunk.eventIndex[rows - 1]
            generatedEvents = last + 1
            for i in chunk.start...last where EventGenerator.weightSign(index: UInt64(i), context: context) < 0 {
                negatives += 1
            }
            fiducialCount = target
        } else {
            generatedEvents = chunk.start + chunk.size
            negatives += chunk.negatives
            fiducialCount += chunk.fiducial
        }
        return reached
    }

    /// Normalizes the weights and builds the sample.
    ///
    /// Nominal: w_i = s_i σ_fid / Σ_fid s_j, so the fiducial rows sum to σ_fid (all s = +1
    /// for the default tuning: w = σ_fid/N_fid). Alternative: w_i = s_i σ_gen / Σ_gen s_j,
    /// i.e. the generated sample carries the same inclusive cross-section as the nominal.
    consuming func finish(settings: SimulationSettings) -> SimulatedSample {
        let n = fiducialFlags.count
        var norm: Double
        if settings.generator == .nominal {
            var s = 0.0
            for i in 0..<n where fiducialFlags[i] == 1 { s += sign[i] }
            norm = settings.crossSectionPb / s
        } else {
            norm = settings.generatedCrossSectionPb / Double(generatedEvents - 2 * negatives)
        }
        var weight = sign
        for i in 0..<n { weight[i] = sign[i] * norm }
        var scale = scaleRatio
        for i in 0..<n {
            for k in 0..<ScaleWeights.count { scale[i * ScaleWeights.count + k] *= weight[i] }
        }
        scaleRatio = []
        return SimulatedSample(count: n, observables: observables, latent: latent, weight: weight,
                               smeft: smeft, scale: scale, fiducial: fiducialFlags,
                               generatedEvents: generatedEvents, negativeGeneratedEvents: negatives,
                               settings: settings)
    }
}
