// The driver: fixed chunks of event indices, processed in parallel, assembled in order,
// truncated right after the requested number of fiducial events.

import Dispatch

/// Runs the toy tt̄(2ℓ) simulation.
public enum Simulation {
    /// σ_gen (pb) for the default tuning: σ_fid / (N_fid/N_gen) measured once on a
    /// nominal sample of 1.2 × 10⁶ fiducial events (seed 1). Recalibrate if the default
    /// tuning changes (`SimulationBenchmarks` prints the measured efficiency).
    public static let calibratedGeneratedCrossSectionPb = 0.31 / 0.050912

    /// Simulates `settings.fiducialEvents` nominal-fiducial events (plus the pre-selected
    /// ones between them). Output is bit-identical for any `threads` ≥ 1.
    public static func run(_ settings: SimulationSettings, threads: Int) -> SimulatedSample {
        precondition(settings.fiducialEvents > 0, "fiducialEvents must be positive")
        precondition(settings.chunkSize > 0, "chunkSize must be positive")
        let threads = max(1, threads)
        let context = GenerationContext(settings)
        let target = settings.fiducialEvents
        let chunkSize = settings.chunkSize

        var out = Assembly()
        var nextChunk = 0
        var fidPerChunk = 0.0
        var done = false
        while !done {
            // Batch size: enough chunks for the remaining target at the observed rate
            // (at least one per thread), capped so that chunk buffers stay small.
            var batch = threads
            if fidPerChunk > 0 {
                let need = Double(target - out.fiducialCount) / fidPerChunk
                batch = min(max(Int(need.rounded(.up)), 1), 4 * threads)
                batch = ((batch + threads - 1) / threads) * threads
            }
            let results = processBatch(first: nextChunk, count: batch, chunkSize: chunkSize,
                                       context: context, threads: threads)
            for result in results {
                if out.fiducialCount == 0 && fidPerChunk == 0 {
                    let rows = Double(result.count) * Double(target) / Double(max(result.fiducial, 1))
                    out.reserve(rows: Int(rows * 1.05))
                }
                if out.append(result, target: target, context: context) { done = true; break }
            }
            nextChunk += batch
            fidPerChunk = Double(out.fiducialCount) / Double(nextChunk)
        }
        return out.finish(settings: settings)
    }

    /// Processes chunks first..<first+count on `threads` workers; results in chunk order.
    static func processBatch(first: Int, count: Int, chunkSize: Int, context: GenerationContext,
                             threads: Int) -> [ChunkResult] {
        let slots = ResultSlots(count: count)
        DispatchQueue.concurrentPerform(iterations: min(threads, count)) { worker in
            var k = worker
            while k < count {
                slots.store(ChunkResult.generate(chunk: first + k, size: chunkSize, context: context), at: k)
                k += threads
            }
        }
        return slots.take()
    }
}

/// Thread-safe by construction: each slot is written by exactly one worker and read only
/// after `concurrentPerform` returned.
final class ResultSlots: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<ChunkResult?>
    private let count: Int

    init(count: Int) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil, count: count)
    }

    func store(_ r: ChunkResult, at k: Int) { slots[k] = r }

    func take() -> [ChunkResult] {
        var out = [ChunkResult]()
        out.reserveCapacity(count)
        for k in 0..<count { out.append(slots[k]!) }
        return out
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }
}
