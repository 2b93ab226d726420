import Foundation

/// A grown tree's structure in bin codes, for routing binned events (held-out or training)
/// without their raw features: "code ≤ bin goes left" is the same test as the model's
/// `x <= threshold` (see ``FeatureBinner``).
struct BinnedTree: Sendable {
    let splitFeature: [Int]
    let splitBin: [Int]
    let left: [Int]
    let right: [Int]

    init(tree: BPTTree, splitBins: [Int]) {
        splitFeature = tree.splitFeature
        splitBin = splitBins
        left = tree.left
        right = tree.right
    }

    @inline(__always)
    func leaf(codes: UnsafePointer<UInt8>) -> Int {
        if splitFeature.isEmpty { return 0 }
        var node = 0
        while true {
            let next = Int(codes[splitFeature[node]]) <= splitBin[node] ? left[node] : right[node]
            if next < 0 { return ~next }
            node = next
        }
    }
}

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
/// Cost: besides routing, one `log1p` per event and base point. Each event keeps T and u = e^{−T}
/// (u updated by the per-leaf factor e^{−η t}, like eq. C.13), so that with
/// Soft⁺(−T) = log1p(u) and Soft⁺(T) = T + log1p(u) no exponential is evaluated per event.
/// Memory: 16 bytes per event and base point.
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
    /// Per group: T and u = e^{−T}, row-major (group 0: count × N_V; others: count).
    private var estimates: [UnsafeMutablePointer<Double>]
    private var factors: [UnsafeMutablePointer<Double>]
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
        estimates = groups.indices.map { allocate($0, 0) }
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

    deinit { for p in estimates + factors { p.deallocate() } }

    /// Adds η t*(x|ν) of a new tree to every event's T (eq. C.10) and returns the loss per unit
    /// weight of the boosted model after it. `predictions[j][ν]` is t_ν of leaf j (eq. C.26).
    ///
    /// - Complexity: O(events · (depth + N_V)), one `log1p` per event and base point.
    func advance(tree: BinnedTree, predictions: [[Double]], eta: Double) -> Double {
        let nv = basePointCount
        let steps = predictions.flatMap { $0.map { eta * $0 } }
        let stepFactors = steps.map { exp(-$0) }
        return steps.withUnsafeBufferPointer { steps in
            stepFactors.withUnsafeBufferPointer { stepFactors in
                sweep(tree: tree, steps: steps.baseAddress!, factors: stepFactors.baseAddress!, nv: nv)
            }
        }
    }

    /// The loss per unit weight at the current T (log 2 before any tree).
    func evaluate() -> Double { sweep(tree: nil, steps: nil, factors: nil, nv: basePointCount) }

    /// One pass over all events in fixed blocks: optionally route through `tree` and update
    /// T and u, then sum the loss terms.
    private func sweep(tree: BinnedTree?, steps: UnsafePointer<Double>?, factors stepFactors: UnsafePointer<Double>?,
                       nv: Int) -> Double {
        let boosted = boostedWeights
        let nf = featureCount
        var partial = [Double](repeating: 0, count: blocks.count)
        partial.withUnsafeMutableBufferPointer { partial in
            let partial = partial.baseAddress!
            executor.forEach(blocks.count) { b in
                let (g, begin, end) = self.blocks[b]
                let group = self.groups[g]
                let t = self.estimates[g], u = self.factors[g]
                let codes = group.codes
                var sum = 0.0
                if g == 0 {
                    let w0 = group.nominalWeights!
                    let slot = self.nominalSlot
                    let weights = group.weights
                    for i in begin..<end {
                        let ti = t + i * nv, ui = u + i * nv
                        if let tree {
                            let j = tree.leaf(codes: codes + i * nf) * nv
                            for v in 0..<nv { ti[v] += steps![j + v]; ui[v] *= stepFactors![j + v] }
                        }
                        for v in 0..<nv {
                            // Soft⁺(−T) = log1p(u), Soft⁺(T) = T + log1p(u).
                            let l = log1p(ui[v])
                            let k = slot[v]
                            if k < 0 {
                                sum += w0[i] * (ti[v] + l)
                            } else {
                                let w = boosted ? weights[k][i] / ui[v] : weights[k][i]
                                sum += w0[i] * ti[v] + (w0[i] + w) * l
                            }
                        }
                    }
                } else {
                    let weights = group.weights[0]
                    let v = group.basePoints[0]
                    for i in begin..<end {
                        if let tree {
                            let j = tree.leaf(codes: codes + i * nf) * nv + v
                            t[i] += steps![j]; u[i] *= stepFactors![j]
                        }
                        let w = boosted ? weights[i] / u[i] : weights[i]
                        sum += w * log1p(u[i])
                    }
                }
                partial[b] = sum
            }
        }
        var total = 0.0
        for s in partial { total += s }
        return total / (Double(nv) * nominalTotal + basePointTotals.reduce(0, +))
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
            var t = [Double](repeating: 0, count: nv)
            var sums = [Double](repeating: 0, count: nv)
            for i in (b * blockSize)..<min(count, (b + 1) * blockSize) {
                for v in 0..<nv { t[v] = 0 }
                let row = codes + i * featureCount
                for (k, tree) in trees.enumerated() {
                    let step = scaledPredictions[k][tree.leaf(codes: row)]
                    for v in 0..<nv { t[v] += step[v] }
                }
                for v in 0..<nv { sums[v] += weights[i] * exp(t[v]) }
            }
            for v in 0..<nv { partial[b * nv + v] = sums[v] }
        }
    }
    var result = [Double](repeating: 0, count: nv)
    for b in 0..<blockCount { for v in 0..<nv { result[v] += partial[b * nv + v] } }
    return result
}
