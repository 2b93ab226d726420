/// The Boosted Information Tree's split criterion (the BIT of the paper's refs. [9, 10]):
/// a regression tree whose outputs A = 1…K share the splits.
///
/// Histogram slots of a node (one row group): 0 is Σ w, 1…K are Σ w r_A (the residual
/// coefficients being fitted), K + 1 is the event count. A node's leaf values are
/// r̂_A = Σ w r_A / Σ w, and a split maximizes
///   G = Σ_A (Σ_L w r_A)² / Σ_L w + Σ_A (Σ_R w r_A)² / Σ_R w,
/// the weighted squared-error reduction summed over all outputs; equivalently it minimizes
/// the child "loss" −G, which is what ``SplitCandidate/childLoss`` holds.
struct BITSplitCriterion: SplitCriterion {
    let layout: HistogramLayout
    let outputCount: Int
    let minNodeSize: Double
    let executor: ParallelExecutor

    /// Splits must beat the parent by more than this fraction; less is rounding of the sums.
    static let relativeGainTolerance = 1e-14

    /// −Σ_A S_A² / S_w of a node's slot sums.
    @inline(__always)
    static func loss(_ sums: UnsafePointer<Double>, outputs: Int) -> Double {
        var s = 0.0
        for a in 1...outputs { s += sums[a] * sums[a] }
        return -s / sums[0]
    }

    /// - Complexity: O(F · B · K) for F features, B bins and K outputs; features in parallel.
    func bestSplit(histogram: UnsafeMutablePointer<Double>, totals: [Double]) -> SplitCandidate? {
        let nf = layout.featureCount
        let slots = layout.slotCount
        let featureSize = layout.featureSize
        let k = outputCount
        let countSlot = k + 1
        let minimum = minNodeSize
        var perFeature = [SplitCandidate](repeating: .none, count: nf)
        let parentLoss = totals.withUnsafeBufferPointer { Self.loss($0.baseAddress!, outputs: k) }
        perFeature.withUnsafeMutableBufferPointer { results in
            let results = results.baseAddress!
            totals.withUnsafeBufferPointer { totals in
                layout.binCounts.withUnsafeBufferPointer { binCounts in
                    let totals = totals.baseAddress!, binCounts = binCounts.baseAddress!
                    executor.forEach(nf) { f in
                        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * slots) { scratch in
                            let left = scratch.baseAddress!, right = left + slots
                            left.initialize(repeating: 0, count: slots)
                            var best = SplitCandidate.none
                            let h = histogram + f * featureSize
                            for b in 0..<(binCounts[f] - 1) {
                                let bin = h + b * slots
                                for s in 0..<slots { left[s] += bin[s] }
                                for s in 0..<slots { right[s] = totals[s] - left[s] }
                                guard left[countSlot] >= minimum, right[countSlot] >= minimum,
                                      left[0] > 0, right[0] > 0 else { continue }
                                let candidate = SplitCandidate(feature: f, bin: b,
                                                               childLoss: Self.loss(left, outputs: k)
                                                                   + Self.loss(right, outputs: k))
                                if candidate.isBetter(than: best) { best = candidate }
                            }
                            results[f] = best
                        }
                    }
                }
            }
        }
        // Reduce in feature order so that ties go to the lower feature index.
        var best = SplitCandidate.none
        for candidate in perFeature where candidate.isBetter(than: best) { best = candidate }
        guard best.isValid, parentLoss - best.childLoss > Self.relativeGainTolerance * abs(parentLoss) else {
            return nil
        }
        return best
    }

    /// r̂_A = Σ w r_A / Σ w.
    func leafValues(_ totals: UnsafePointer<Double>) -> [Double] {
        (1...outputCount).map { totals[$0] / totals[0] }
    }
}
