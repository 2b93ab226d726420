/// A reproducible assignment of event indices to a training part and a held-out part.
///
/// Event i is held out iff u_i < `fraction`, where u_i ∈ [0, 1) is the top 53 bits of
/// SplitMix64's output for the counter state `seed + (i + 1) · 0x9E3779B97F4A7C15`
/// (i.e. the (i+1)-th output of SplitMix64 seeded with `seed`), times 2⁻⁵³. The decision is a
/// pure function of (seed, i): it does not depend on the thread count, on the sample size, or
/// on any other event, so the learner, the limits and the classifier test can each recompute
/// the same split from the recorded (fraction, seed), and a physicist can with numpy:
///
/// ```python
/// M = 2**64 - 1
/// def u(seed, i):
///     z = (seed + (i + 1) * 0x9E3779B97F4A7C15) & M
///     z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
///     z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
///     return ((z ^ (z >> 31)) >> 11) * 2.0**-53
/// ```
///
/// The held-out events are the "events not used for the shape" of the C.31 loss curves, early
/// stopping and the held-out normalization (``BPTTrainer/train(_:heldOut:progress:)``).
public struct HeldOutSplit: Codable, Sendable, Hashable {
    /// Expected fraction of events held out, in (0, 1).
    public let fraction: Double
    /// The recorded seed; part of every identity key that depends on the split.
    public let seed: UInt64

    /// - Throws: ``BPTError/invalidSetting(name:value:validRange:)`` unless 0 < fraction < 1.
    public init(fraction: Double, seed: UInt64) throws {
        guard fraction.isFinite, fraction > 0, fraction < 1 else {
            throw BPTError.invalidSetting(name: "heldOutFraction", value: formatNumber(fraction), validRange: "(0, 1)")
        }
        self.fraction = fraction
        self.seed = seed
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(fraction: container.decode(Double.self, forKey: .fraction),
                      seed: container.decode(UInt64.self, forKey: .seed))
    }

    /// The uniform variate u_i ∈ [0, 1) of event `index` (see the type's documentation).
    @inlinable
    public func variate(_ index: Int) -> Double {
        var z = seed &+ (UInt64(truncatingIfNeeded: index) &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) * 0x1p-53
    }

    /// Whether event `index` belongs to the held-out part.
    @inlinable
    public func isHeldOut(_ index: Int) -> Bool { variate(index) < fraction }

    /// The indices 0..<count split into (training, held-out), each in increasing order.
    ///
    /// - Complexity: O(count).
    public func partition(count: Int) -> (training: [Int], heldOut: [Int]) {
        var training: [Int] = [], heldOut: [Int] = []
        training.reserveCapacity(Int(Double(count) * (1 - fraction)) + 16)
        heldOut.reserveCapacity(Int(Double(count) * fraction) + 16)
        for i in 0..<count {
            if isHeldOut(i) { heldOut.append(i) } else { training.append(i) }
        }
        return (training, heldOut)
    }

    /// Per-event values (weights, one entry per event) split into (training, held-out).
    public func split<T>(_ values: [T]) -> (training: [T], heldOut: [T]) {
        let (training, heldOut) = partition(count: values.count)
        return (training.map { values[$0] }, heldOut.map { values[$0] })
    }

    /// Row-major features (`featureCount` values per event) split into (training, held-out).
    public func split(rows x: [Double], featureCount: Int) -> (training: [Double], heldOut: [Double]) {
        precondition(featureCount > 0 && x.count % featureCount == 0, "x must hold count × featureCount values")
        let (training, heldOut) = partition(count: x.count / featureCount)
        return (Self.gather(rows: x, featureCount: featureCount, training),
                Self.gather(rows: x, featureCount: featureCount, heldOut))
    }

    /// The rows `rows` (in that order) of row-major `x`, `featureCount` values per row: one part
    /// of a ``partition(count:)``, for callers that split several arrays by the same partition.
    public static func gather(rows x: [Double], featureCount: Int, _ rows: [Int]) -> [Double] {
        precondition(rows.allSatisfy { $0 >= 0 && ($0 + 1) * featureCount <= x.count }, "rows must be inside x")
        return [Double](unsafeUninitializedCapacity: rows.count * featureCount) { out, initialized in
            x.withUnsafeBufferPointer { x in
                for (k, r) in rows.enumerated() {
                    (out.baseAddress! + k * featureCount).initialize(from: x.baseAddress! + r * featureCount, count: featureCount)
                }
            }
            initialized = rows.count * featureCount
        }
    }
}

extension BinnedFeatures {
    /// The events at `rows` (in that order), same binner and sample label.
    public func selecting(rows: [Int]) -> BinnedFeatures {
        let nf = featureCount
        var selected = [UInt8]()
        selected.reserveCapacity(rows.count * nf)
        codes.withUnsafeBufferPointer { c in
            for r in rows { selected.append(contentsOf: c[(r * nf)..<((r + 1) * nf)]) }
        }
        return BinnedFeatures(binner: binner, sample: sample, codes: selected)
    }
}

extension BPTTrainingData {
    /// Splits every sample with `split`: the nominal events and, for a reweighted base point
    /// (eq. 31), its weights on those same events by the nominal's event index; a base point
    /// with its own events (eq. 30, section 5.3) by its own event index. The held-out part has
    /// the same structure and binner, ready for ``BPTTrainer/train(_:heldOut:progress:)``.
    ///
    /// - Complexity: O(total events · features).
    public func split(by split: HeldOutSplit) -> (training: BPTTrainingData, heldOut: BPTTrainingData) {
        let (trainRows, heldRows) = split.partition(count: nominal.count)
        func pick(_ w: [Double], _ rows: [Int]) -> [Double] { rows.map { w[$0] } }
        var trainPoints: [BasePointSample] = [], heldPoints: [BasePointSample] = []
        for bp in basePoints {
            if let features = bp.features {
                let (t, h) = split.partition(count: features.count)
                trainPoints.append(BasePointSample(features: features.selecting(rows: t), weights: pick(bp.weights, t)))
                heldPoints.append(BasePointSample(features: features.selecting(rows: h), weights: pick(bp.weights, h)))
            } else {
                trainPoints.append(.reweighted(pick(bp.weights, trainRows)))
                heldPoints.append(.reweighted(pick(bp.weights, heldRows)))
            }
        }
        return (BPTTrainingData(nominal: nominal.selecting(rows: trainRows),
                                nominalWeights: pick(nominalWeights, trainRows), basePoints: trainPoints),
                BPTTrainingData(nominal: nominal.selecting(rows: heldRows),
                                nominalWeights: pick(nominalWeights, heldRows), basePoints: heldPoints))
    }
}
