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

    /// Events per block (a multiple of ``BinnedColumns/chunkSize``, so chunks never straddle blocks).
    static let blockSize = 8192

    let groups: [Group]
    /// Per group, its codes column by column within words of 64 events, for routing (``BinnedColumns``).
    let columns: [BinnedColumns]
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
        columns = groups.map { BinnedColumns(rowMajor: $0.codes, count: $0.count, featureCount: featureCount) }
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
    /// - Complexity: O(events · (splits / 16 + N_V)): a split tests 16 events per vector compare; one
    ///   `log1p` per event and base point.
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

    /// One pass over all events in fixed blocks: optionally route through `tree`, update u and
    /// the linear term, then sum the loss terms.
    private func sweep(tree: BinnedTree.Router?, steps: UnsafePointer<Double>?, factors stepFactors: UnsafePointer<Double>?,
                       nv: Int) -> Double {
        let boosted = boostedWeights
        // Events per chunk of a block: the chunk is routed, its u updated, its log1p(u) taken in
        // one vector call, then its loss terms summed (``sum(_:_:)``).
        let chunkSize = BinnedColumns.chunkSize
        // Per block: Σ w log1p(u) terms, and (group 0) the growth of the linear term.
        var partial = [Double](repeating: 0, count: 2 * blocks.count)
        partial.withUnsafeMutableBufferPointer { partial in
            let partial = partial.baseAddress!
            executor.forEach(blocks.count) { b in
                let (g, begin, end) = self.blocks[b]
                let group = self.groups[g]
                let u = self.factors[g]
                let columns = self.columns[g]
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
                            // The chunk's leaves first (``BinnedTree/Router/leaves(_:chunk:count:into:)``).
                            tree?.leaves(columns, chunk: chunk / chunkSize, count: chunkEnd - chunk, into: leaves)
                            let n = chunkEnd - chunk
                            if g == 0 {
                                let w0 = group.nominalWeights! + chunk, uc = u + chunk * nv
                                if tree != nil, let steps, let stepFactors {
                                    growth += Self.update(u: uc, stride: nv, leaves: leaves, steps: steps,
                                                          factors: stepFactors, weights: w0, count: n)
                                }
                                refinery_log1p(uc, logs, n * nv)
                                // Base point by base point, so that each is one plain loop.
                                for v in 0..<nv {
                                    let k = self.nominalSlot[v], l = logs + v
                                    if k < 0 {
                                        sum += Self.sum(n) { i in w0[i] * l[i * nv] }
                                    } else if boosted {
                                        let w = group.weights[k] + chunk, uv = uc + v
                                        sum += Self.sum(n) { i in (w0[i] + w[i] / uv[i * nv]) * l[i * nv] }
                                    } else {
                                        let w = group.weights[k] + chunk
                                        sum += Self.sum(n) { i in (w0[i] + w[i]) * l[i * nv] }
                                    }
                                }
                            } else {
                                let v = group.basePoints[0], uc = u + chunk
                                if tree != nil, let stepFactors {
                                    for i in 0..<n { uc[i] *= stepFactors[Int(leaves[i]) * nv + v] }
                                }
                                refinery_log1p(uc, logs, n)
                                let w = group.weights[0] + chunk
                                sum += boosted ? Self.sum(n) { i in w[i] / uc[i] * logs[i] } : Self.sum(n) { i in w[i] * logs[i] }
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

    /// Σ_{i<n} body(i) over a chunk's events, in four running sums (events i mod 4) so that the
    /// additions overlap, added in a fixed order: the same bits for any thread count.
    @inline(__always)
    private static func sum(_ n: Int, _ body: (Int) -> Double) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i + 4 <= n {
            s0 += body(i); s1 += body(i + 1); s2 += body(i + 2); s3 += body(i + 3)
            i += 4
        }
        while i < n { s0 += body(i); i += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// u_{iν} ← u_{iν} · e^{−η t_{j(i)ν}} for a chunk of nominal events (leaf j(i) from `leaves`,
    /// `nv` base points per event and per leaf); returns Σ_i w_i Σ_ν η t_{j(i)ν}, the growth of
    /// the linear term (``sum(_:_:)``).
    @inline(__always)
    private static func update(u: UnsafeMutablePointer<Double>, stride nv: Int, leaves: UnsafePointer<Int32>,
                               steps: UnsafePointer<Double>, factors: UnsafePointer<Double>,
                               weights: UnsafePointer<Double>, count n: Int) -> Double {
        if nv == 1 {  // two-point and calibration problems: no loop over base points
            return sum(n) { i in
                let j = Int(leaves[i])
                u[i] *= factors[j]
                return weights[i] * steps[j]
            }
        }
        return sum(n) { i in
            let j = Int(leaves[i]) * nv, ui = u + i * nv
            var step = 0.0
            for v in 0..<nv {
                step += steps[j + v]
                ui[v] *= factors[j + v]
            }
            return weights[i] * step
        }
    }
}

/// Σ_{i∈D₀} w_i exp(T(x_i|ν)) per base point for binned nominal events and a list of trees: the
/// surrogate's rate on those events, for the held-out normalization. Fixed blocks, summed in
/// order (thread-count independent).
///
/// - Complexity: O(events · trees · (splits / 16 + N_V)).
func nominalExpSums(columns: BinnedColumns, weights: UnsafePointer<Double>, trees: [BinnedTree],
                    scaledPredictions: [[[Double]]], basePointCount nv: Int, executor: ParallelExecutor) -> [Double] {
    let blockSize = LossEvaluator.blockSize, chunkSize = BinnedColumns.chunkSize
    let count = columns.count
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
                        for chunk in stride(from: begin, to: end, by: chunkSize) {
                            router.leaves(columns, chunk: chunk / chunkSize, count: min(chunkSize, end - chunk),
                                          into: leaves.baseAddress! + (chunk - begin))
                        }
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
