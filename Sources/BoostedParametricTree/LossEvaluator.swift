import CVectorMath
import Foundation

/// The per-event boosted estimate T^(b)(x_i|ν) on one set of samples (the training events or the
/// held-out events), and the loss of eqs. (C.12)/(C.31) of the boosted model on them:
///
///   L^(b) = Σ_{ν∈𝒱} [ Σ_{i∈D₀} w_i Soft⁺(T^(b)(x_i|ν)) + Σ_{i∈D_ν} w_i Soft⁺(−T^(b)(x_i|ν)) ],
///
/// with the original weights (C.31 with the partition of the whole boosted model). It is
/// reported per unit weight, L^(b) / Σ_ν (W₀ + W_ν), so that training and held-out curves of
/// different sizes are comparable and both start at log 2 for T = 0.
///
/// Group 0 holds the nominal events and every reweighted base point's weights on them (T for
/// every base point per event); each base point with its own events is a further group (one T
/// per event). For the training events the trainer's weights are boosted in place
/// (w^(b) = w u with u = e^{−T}, eq. C.13); the original weight is then w^(b)/u, so no copy of
/// the weights is kept.
///
/// State and cost: each event keeps only u = e^{−T} per base point (updated by the per-leaf
/// factor e^{−η t}, like eq. C.13), 8 bytes per event and base point. With Soft⁺(−T) = log1p(u)
/// and Soft⁺(T) = T + log1p(u) the loss is Σ w log1p(u) terms plus the part linear in T,
/// Σ_{i∈D₀} w_i Σ_ν T(x_i|ν), which grows by Σ_{i∈D₀} w_i Σ_ν η t_{j(i)ν} per tree and so needs
/// no per-event T. Per tree and event: routing, one multiplication and one `log1p` (glibc's
/// vector log1p, ``refinery_log1p``) per base point; no exponential. The curves are memory-bound
/// (the reweighted weights are streamed once per tree), hence the single state array.
///
/// Determinism: events are cut into fixed blocks, each block sums into its own slot, the slots
/// are added in block order: bit-identical for any thread count.
final class LossEvaluator {
    struct Group {
        let codes: UnsafePointer<UInt8>
        let count: Int
        /// Base points whose weights live on this group's events, with their weight arrays.
        let basePoints: [Int]
        let weights: [UnsafePointer<Double>]
        /// Nominal weights (group 0 only).
        let nominalWeights: UnsafePointer<Double>?
    }

    static let blockSize = 8192

    let groups: [Group]
    let basePointCount: Int
    let featureCount: Int
    let boostedWeights: Bool
    let executor: ParallelExecutor
    /// Original summed weights W₀ (nominal) and W_ν (per base point) of this set.
    let nominalTotal: Double
    let basePointTotals: [Double]
    /// Per group: u = e^{−T}, row-major (group 0: count × N_V; others: count).
    private var factors: [UnsafeMutablePointer<Double>]
    /// Σ_{i∈D₀} w_i Σ_ν T(x_i|ν) of the boosted model so far (the loss's part linear in T).
    private var linear = 0.0
    private let blocks: [(group: Int, begin: Int, end: Int)]
    /// Group 0: for each base point, the index of its weight array there, or −1 (own events).
    private let nominalSlot: [Int]

    /// Must be created before any boosting when `boostedWeights` (the totals are read then).
    init(groups: [Group], basePointCount: Int, featureCount: Int, boostedWeights: Bool, executor: ParallelExecutor) {
        precondition(groups.first?.nominalWeights != nil, "group 0 must be the nominal events")
        self.groups = groups
        self.basePointCount = basePointCount
        self.featureCount = featureCount
        self.boostedWeights = boostedWeights
        self.executor = executor
        var blocks: [(Int, Int, Int)] = []
        for (g, group) in groups.enumerated() {
            var start = 0
            while start < group.count {
                blocks.append((g, start, min(start + Self.blockSize, group.count)))
                start += Self.blockSize
            }
        }
        self.blocks = blocks
        func allocate(_ g: Int, _ value: Double) -> UnsafeMutablePointer<Double> {
            let size = max(1, g == 0 ? groups[g].count * basePointCount : groups[g].count)
            let p = UnsafeMutablePointer<Double>.allocate(capacity: size)
            p.initialize(repeating: value, count: size)
            return p
        }
        factors = groups.indices.map { allocate($0, 1) }
        var slot = [Int](repeating: -1, count: basePointCount)
        for (k, v) in groups[0].basePoints.enumerated() { slot[v] = k }
        nominalSlot = slot
        var totals = [Double](repeating: 0, count: basePointCount)
        var w0 = 0.0
        for (g, group) in groups.enumerated() {
            if g == 0 { for i in 0..<group.count { w0 += group.nominalWeights![i] } }
            for (k, v) in group.basePoints.enumerated() {
                var s = 0.0
                for i in 0..<group.count { s += group.weights[k][i] }
                totals[v] = s
            }
        }
        nominalTotal = w0
        basePointTotals = totals
    }

    deinit { for p in factors { p.deallocate() } }

    /// Adds η t*(x|ν) of a new tree to every event's T (eq. C.10; u ← u e^{−η t*}) and returns the loss per unit
    /// weight of the boosted model after it. `predictions[j][ν]` is t_ν of leaf j (eq. C.26).
    ///
    /// - Complexity: O(events · (depth + N_V)), one `log1p` per event and base point.
    func advance(tree: BinnedTree, predictions: [[Double]], eta: Double) -> Double {
        let nv = basePointCount
        let steps = predictions.flatMap { $0.map { eta * $0 } }
        let stepFactors = steps.map { exp(-$0) }
        return steps.withUnsafeBufferPointer { steps in
            stepFactors.withUnsafeBufferPointer { stepFactors in
                tree.withRouter { router in
                    sweep(tree: router, steps: steps.baseAddress!, factors: stepFactors.baseAddress!, nv: nv)
                }
            }
        }
    }

    /// The loss per unit weight at the current T (log 2 before any tree).
    func evaluate() -> Double { sweep(tree: nil, steps: nil, factors: nil, nv: basePointCount) }

    /// Events per chunk of a block: u is updated for a chunk, then its log1p(u) are taken in
    /// one vector call, then its loss terms are summed in event order.
    static let chunkSize = 256

    /// One pass over all events in fixed blocks: optionally route through `tree`, update u and
    /// the linear term, then sum the loss terms.
    private func sweep(tree: BinnedTree.Router?, steps: UnsafePointer<Double>?, factors stepFactors: UnsafePointer<Double>?,
                       nv: Int) -> Double {
        let boosted = boostedWeights
        let nf = featureCount
        let chunkSize = Self.chunkSize
        // Per block: Σ w log1p(u) terms, and (group 0) the growth of the linear term.
        var partial = [Double](repeating: 0, count: 2 * blocks.count)
        partial.withUnsafeMutableBufferPointer { partial in
            let partial = partial.baseAddress!
            executor.forEach(blocks.count) { b in
                let (g, begin, end) = self.blocks[b]
                let group = self.groups[g]
                let u = self.factors[g]
                let codes = group.codes
                let stride = g == 0 ? nv : 1
                // The running sums live in the closure (registers), not in captured variables.
                let (logTerms, linearGrowth) = withUnsafeTemporaryAllocation(of: Double.self, capacity: chunkSize * stride) {
                    logs -> (Double, Double) in
                    withUnsafeTemporaryAllocation(of: Int32.self, capacity: chunkSize) { leaves -> (Double, Double) in
                        let logs = logs.baseAddress!, leaves = leaves.baseAddress!
                        var sum = 0.0, growth = 0.0
                        var chunk = begin
                        while chunk < end {
                            let chunkEnd = min(chunk + chunkSize, end)
                            // The chunk's leaves first, all walks at once (``BinnedTree/Router/leaves``).
                            tree?.leaves(codes: codes + chunk * nf, featureCount: nf, count: chunkEnd - chunk, into: leaves)
                            if g == 0 {
                                let w0 = group.nominalWeights!
                                if tree != nil, let steps, let stepFactors {
                                    for i in chunk..<chunkEnd {
                                        let ui = u + i * nv
                                        let j = Int(leaves[i - chunk]) * nv
                                        var step = 0.0
                                        for v in 0..<nv { step += steps[j + v]; ui[v] *= stepFactors[j + v] }
                                        growth += w0[i] * step
                                    }
                                }
                                refinery_log1p(u + chunk * nv, logs, (chunkEnd - chunk) * nv)
                                let slot = self.nominalSlot
                                let weights = group.weights
                                for i in chunk..<chunkEnd {
                                    let ui = u + i * nv, li = logs + (i - chunk) * nv
                                    for v in 0..<nv {
                                        let k = slot[v]
                                        if k < 0 {
                                            sum += w0[i] * li[v]
                                        } else {
                                            let w = boosted ? weights[k][i] / ui[v] : weights[k][i]
                                            sum += (w0[i] + w) * li[v]
                                        }
                                    }
                                }
                            } else {
                                let v = group.basePoints[0]
                                if tree != nil, let stepFactors {
                                    for i in chunk..<chunkEnd {
                                        u[i] *= stepFactors[Int(leaves[i - chunk]) * nv + v]
                                    }
                                }
                                refinery_log1p(u + chunk, logs, chunkEnd - chunk)
                                let weights = group.weights[0]
                                for i in chunk..<chunkEnd {
                                    let w = boosted ? weights[i] / u[i] : weights[i]
                                    sum += w * logs[i - chunk]
                                }
                            }
                            chunk = chunkEnd
                        }
                        return (sum, growth)
                    }
                }
                partial[2 * b] = logTerms
                partial[2 * b + 1] = linearGrowth
            }
        }
        var total = 0.0
        for b in blocks.indices {
            linear += partial[2 * b + 1]
            total += partial[2 * b]
        }
        return (linear + total) / (Double(nv) * nominalTotal + basePointTotals.reduce(0, +))
    }
}

/// Σ_{i∈D₀} w_i exp(T(x_i|ν)) per base point for binned nominal events and a list of trees: the
/// surrogate's rate on those events, for the held-out normalization. Fixed blocks, summed in
/// order (thread-count independent).
///
/// - Complexity: O(events · trees · (depth + N_V)).
func nominalExpSums(codes: UnsafePointer<UInt8>, weights: UnsafePointer<Double>, count: Int, featureCount: Int,
                    trees: [BinnedTree], scaledPredictions: [[[Double]]], basePointCount nv: Int,
                    executor: ParallelExecutor) -> [Double] {
    let blockSize = LossEvaluator.blockSize
    let blockCount = (count + blockSize - 1) / blockSize
    var partial = [Double](repeating: 0, count: max(1, blockCount) * nv)
    partial.withUnsafeMutableBufferPointer { partial in
        let partial = partial.baseAddress!
        executor.forEach(blockCount) { b in
            let begin = b * blockSize, end = min(count, (b + 1) * blockSize)
            // Tree by tree over the block (one router per tree); each event's T still adds the
            // trees in boosting order.
            var t = [Double](repeating: 0, count: (end - begin) * nv)
            var leaves = [Int32](repeating: 0, count: end - begin)
            for (k, tree) in trees.enumerated() {
                leaves.withUnsafeMutableBufferPointer { leaves in
                    tree.withRouter { router in
                        router.leaves(codes: codes + begin * featureCount, featureCount: featureCount, count: end - begin,
                                      into: leaves.baseAddress!)
                    }
                }
                for i in begin..<end {
                    let step = scaledPredictions[k][Int(leaves[i - begin])]
                    for v in 0..<nv { t[(i - begin) * nv + v] += step[v] }
                }
            }
            var sums = [Double](repeating: 0, count: nv)
            for i in begin..<end {
                for v in 0..<nv { sums[v] += weights[i] * exp(t[(i - begin) * nv + v]) }
            }
            for v in 0..<nv { partial[b * nv + v] = sums[v] }
        }
    }
    var result = [Double](repeating: 0, count: nv)
    for b in 0..<blockCount { for v in 0..<nv { result[v] += partial[b * nv + v] } }
    return result
}
