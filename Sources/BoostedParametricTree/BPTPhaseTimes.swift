import Dispatch

/// Where a training run's wall time went, tree by tree, for benchmarks
/// (`refinery-bench bpt --only heldout`): growing a tree and boosting the weights (Algorithm 1),
/// the training-loss curve, and the loss on the held-out events (eq. C.31). Measured directly
/// around each phase, so a phase's cost is not a difference of two noisy runs.
public final class BPTPhaseTimes {
    public internal(set) var trees = 0
    /// Seconds in `grow` and the reweighting of eq. (C.13).
    public internal(set) var growing = 0.0
    public internal(set) var trainingCurve = 0.0
    public internal(set) var heldOutLoss = 0.0

    public init() {}

    /// Adds the time since `start` (uptime nanoseconds) to `phase`; returns now, the next phase's start.
    @discardableResult
    func add(_ phase: ReferenceWritableKeyPath<BPTPhaseTimes, Double>, since start: UInt64) -> UInt64 {
        let now = DispatchTime.now().uptimeNanoseconds
        self[keyPath: phase] += Double(now - start) / 1e9
        return now
    }

    func treeDone() { trees += 1 }
}
