/// What the Boosted Information Tree learns from: binned nominal events with their weights and
/// per-event SMEFT coefficients r_{i,A} (appendix A, eq. A.9), A running over the P linear
/// terms r_m and then the P(P+1)/2 quadratic terms r_mn (m ≤ n) in row-major upper-triangle
/// order — the column order of a sample's `smeft.npy` (20 columns for 5 POIs).
public struct BITTrainingData: Sendable {
    public var features: BinnedFeatures
    /// One weight per event (the SM weight w_i).
    public var weights: [Double]
    /// Row-major `count × outputCount` coefficients r_{i,A}.
    public var coefficients: [Double]
    /// P + P(P+1)/2.
    public let outputCount: Int

    /// `weights` nil means all 1.
    public init(features: consuming BinnedFeatures, weights: consuming [Double]? = nil,
                coefficients: consuming [Double], outputCount: Int) {
        let n = features.count
        self.features = features
        self.weights = weights ?? [Double](repeating: 1, count: n)
        self.coefficients = coefficients
        self.outputCount = outputCount
    }

    /// Fits a ``FeatureBinner`` with `bins` bins on row-major `x` and bins the events with it.
    public init(x: [Double], featureCount: Int, weights: [Double]? = nil, coefficients: [Double], outputCount: Int,
                bins: Int = 255) throws {
        let binner = try FeatureBinner(fitting: x, featureCount: featureCount, maxBins: bins)
        self.init(features: try BinnedFeatures(binning: x, binner: binner), weights: weights,
                  coefficients: coefficients, outputCount: outputCount)
    }
}
