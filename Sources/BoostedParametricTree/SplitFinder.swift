import Foundation

/// A candidate split "bin code ≤ bin goes left" with the summed loss of its two children
/// (LightGBM's `SplitInfo`).
struct SplitCandidate: Sendable, Equatable {
    var feature: Int
    var bin: Int
    var childLoss: Double

    static let none = SplitCandidate(feature: -1, bin: -1, childLoss: .infinity)

    var isValid: Bool { feature >= 0 }

    /// Deterministic order: lower loss wins; on exact ties the lower feature, then the lower
    /// bin. NaN losses never win.
    func isBetter(than other: SplitCandidate) -> Bool {
        if childLoss.isNaN { return false }
        if other.childLoss.isNaN { return true }
        if childLoss != other.childLoss { return childLoss < other.childLoss }
        if feature != other.feature { return feature < other.feature }
        return bin < other.bin
    }
}

/// Finds the best split of a node from its histogram by a cumulative scan over the bins of every
/// feature (CART with the loss of eq. C.31).
struct SplitFinder {
    let layout: HistogramLayout
    let objective: NodeObjective
    let executor: ParallelExecutor

    /// The best valid split, or ``SplitCandidate/none``.
    ///
    /// A split is valid if both children pass ``NodeObjective/isValid(_:)``: positive summed
    /// weight of the nominal and every base point and at least `minNodeSize` events of every
    /// sample. The right child's sums are `parent − left`.
    ///
    /// - Complexity: O(F · B · N_V²) for F features, B bins and N_V base points (one
    ///   logarithm and one softplus per base point and child); features run in parallel.
    func bestSplit(histogram: UnsafePointer<Double>, totals: [Double]) -> SplitCandidate {
        let nf = layout.featureCount
        var perFeature = [SplitCandidate](repeating: .none, count: nf)
        let slots = layout.slotCount
        let featureSize = layout.featureSize
        let nv = objective.basePointCount
        let weightCount = objective.weightSlots.count
        let countCount = objective.countSlots.count
        let minNodeSize = objective.minNodeSize
        perFeature.withUnsafeMutableBufferPointer { results in
            let results = results.baseAddress!
            totals.withUnsafeBufferPointer { totals in
                objective.design.hat.withUnsafeBufferPointer { hat in
                    objective.slotOfBasePoint.withUnsafeBufferPointer { channels in
                        layout.binCounts.withUnsafeBufferPointer { binCounts in
                          objective.weightSlots.withUnsafeBufferPointer { weightSlots in
                            objective.countSlots.withUnsafeBufferPointer { countSlots in
                            let totals = totals.baseAddress!, hat = hat.baseAddress!
                            let channels = channels.baseAddress!
                            let weightSlots = weightSlots.baseAddress!, countSlots = countSlots.baseAddress!
                            executor.forEach(nf) { f in
                                withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * slots + nv) { scratch in
                                    let left = scratch.baseAddress!
                                    let right = left + slots
                                    let ratio = right + slots
                                    left.initialize(repeating: 0, count: slots)
                                    var best = SplitCandidate.none
                                    let h = histogram + f * featureSize
                                    for b in 0..<(binCounts[f] - 1) {
                                        let bin = h + b * slots
                                        for k in 0..<slots { left[k] += bin[k] }
                                        for k in 0..<slots { right[k] = totals[k] - left[k] }
                                        guard NodeObjective.isValid(left, weightSlots: weightSlots, weightCount: weightCount,
                                                                    countSlots: countSlots, countCount: countCount,
                                                                    minNodeSize: minNodeSize),
                                              NodeObjective.isValid(right, weightSlots: weightSlots, weightCount: weightCount,
                                                                    countSlots: countSlots, countCount: countCount,
                                                                    minNodeSize: minNodeSize)
                                        else { continue }
                                        let loss = NodeObjective.loss(left, basePointCount: nv, hat: hat,
                                                                      channels: channels, ratio: ratio)
                                            + NodeObjective.loss(right, basePointCount: nv, hat: hat,
                                                                 channels: channels, ratio: ratio)
                                        let candidate = SplitCandidate(feature: f, bin: b, childLoss: loss)
                                        if candidate.isBetter(than: best) { best = candidate }
                                    }
                                    results[f] = best
                                }
                            }
                            }
                          }
                        }
                    }
                }
            }
        }
        // Reduce in feature order so that ties go to the lower feature index.
        var best = SplitCandidate.none
        for candidate in perFeature where candidate.isBetter(than: best) { best = candidate }
        return best
    }
}

extension HistogramLayout {
    /// Slot sums of the left child of `split`: the cumulative histogram up to `split.bin`.
    func leftSums(histogram: UnsafePointer<Double>, split: SplitCandidate) -> [Double] {
        let slots = slotCount
        var left = [Double](repeating: 0, count: slots)
        let h = histogram + split.feature * featureSize
        for b in 0...split.bin {
            for k in 0..<slots { left[k] += h[b * slots + k] }
        }
        return left
    }
}

/// The BPT's split criterion: eq. (C.31) from ``SplitFinder``, leaf coefficients from eq. (C.29).
struct BPTSplitCriterion: SplitCriterion {
    let objective: NodeObjective
    let finder: SplitFinder

    /// Splits must lower the loss by more than this fraction of the node's loss; smaller
    /// "gains" are floating-point rounding of the sums, not structure in the data.
    static let relativeGainTolerance = 1e-14

    var minNodeSize: Double { objective.minNodeSize }

    /// The best split if it lowers the loss of eq. (C.31) beyond rounding, else nil.
    func bestSplit(histogram: UnsafeMutablePointer<Double>, totals: [Double]) -> SplitCandidate? {
        let parentLoss = totals.withUnsafeBufferPointer { objective.loss($0.baseAddress!) }
        let split = finder.bestSplit(histogram: histogram, totals: totals)
        guard split.isValid, parentLoss - split.childLoss > Self.relativeGainTolerance * abs(parentLoss) else {
            return nil
        }
        return split
    }

    func leafValues(_ totals: UnsafePointer<Double>) -> [Double] { objective.coefficients(totals) }
}
