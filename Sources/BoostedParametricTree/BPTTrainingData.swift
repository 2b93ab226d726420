import Foundation

/// The sample of one base point ν ∈ 𝒱.
public struct BasePointSample: Sendable {
    /// The base point's own events, binned with the nominal binner (calibration-type variations,
    /// eq. 30, or an independent alternative sample, section 5.3); nil for a reweighted nominal
    /// sample (eq. 31), which shares the nominal events and has only its own weights.
    public var features: BinnedFeatures?
    /// One weight per event (of the nominal sample if `features` is nil). May be negative
    /// individually; the trainer reweights them in place during boosting (eq. C.13).
    public var weights: [Double]

    /// A reweighted nominal sample (eq. 31): same events as the nominal, weights `weights`.
    public static func reweighted(_ weights: consuming [Double]) -> BasePointSample {
        BasePointSample(features: nil, weights: weights)
    }

    /// A sample with its own events; `weights` nil means all 1.
    public static func sample(_ features: consuming BinnedFeatures, weights: consuming [Double]? = nil) -> BasePointSample {
        let n = features.count
        return BasePointSample(features: features, weights: weights ?? [Double](repeating: 1, count: n))
    }

    public init(features: consuming BinnedFeatures?, weights: consuming [Double]) {
        self.features = features
        self.weights = weights
    }
}

/// Raw (unbinned) input for one base point, for ``BPTTrainingData/init(nominalX:featureCount:nominalWeights:basePoints:bins:)``.
public enum BasePointInput: Sendable {
    /// Reweighted nominal events (eq. 31).
    case reweighted(weights: [Double])
    /// Own events, row-major `x` with the nominal's feature columns; weights nil means all 1.
    case sample(x: [Double], weights: [Double]?)
}

/// Everything a training consumes: the binned nominal sample D₀ with its weights and one
/// ``BasePointSample`` per base point, in the problem's order.
///
/// Pass it to ``BPTTrainer/train(_:progress:)`` with `consume` so that the trainer owns the
/// weight arrays and reweights them in place without a copy.
public struct BPTTrainingData: Sendable {
    public var nominal: BinnedFeatures
    /// Nominal weights (never changed by boosting).
    public var nominalWeights: [Double]
    public var basePoints: [BasePointSample]

    /// Binned data; `nominalWeights` nil means all 1.
    public init(nominal: consuming BinnedFeatures, nominalWeights: consuming [Double]? = nil,
                basePoints: consuming [BasePointSample]) {
        let n = nominal.count
        self.nominal = nominal
        self.nominalWeights = nominalWeights ?? [Double](repeating: 1, count: n)
        self.basePoints = basePoints
    }

    /// Convenience for data that fits in memory as `Double`: fits a ``FeatureBinner`` with `bins`
    /// bins on the nominal features and bins every sample with it.
    public init(nominalX: [Double], featureCount: Int, nominalWeights: [Double]? = nil,
                basePoints: [BasePointInput], bins: Int = 255) throws {
        let binner = try FeatureBinner(fitting: nominalX, featureCount: featureCount, maxBins: bins)
        let nominal = try BinnedFeatures(binning: nominalX, binner: binner, sample: .nominal)
        var samples: [BasePointSample] = []
        for (i, input) in basePoints.enumerated() {
            switch input {
            case .reweighted(let w):
                samples.append(.reweighted(w))
            case .sample(let x, let w):
                // The point's coordinates are unknown here; the trainer relabels with them.
                let features = try BinnedFeatures(binning: x, binner: binner, sample: .basePoint(index: i, nu: []))
                samples.append(.sample(features, weights: w))
            }
        }
        self.init(nominal: nominal, nominalWeights: nominalWeights, basePoints: samples)
    }

    /// Bytes of binned features plus weights: the floor for the trainer's memory.
    public var byteCount: Int {
        var bytes = nominal.byteCount + nominalWeights.count * MemoryLayout<Double>.stride
        for bp in basePoints {
            bytes += (bp.features?.byteCount ?? 0) + bp.weights.count * MemoryLayout<Double>.stride
        }
        return bytes
    }
}
