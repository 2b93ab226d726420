import Foundation

/// A trained Boosted Parametric Tree: the estimate T(x|ν) = ν_A Δ_A(x) of the log-DCR
/// log dσ(x|ν)/dσ(x|0) (eq. 56), so that the DCR is S(x|ν) = exp(T(x|ν)) (eq. 62).
///
/// Prediction needs only raw `Double` features (thresholds are in x units), not the binner.
/// Saving (``encoded()``) and loading (``init(decoding:)``) round-trips every bit.
public struct BPTModel: Sendable, Equatable {
    /// The settings it was trained with (`bins` is the binner's actual maximum).
    public let settings: BPTSettings
    public let parameterNames: [String]
    public let terms: [PolynomialTerm]
    public let basePoints: [[Double]]
    public let featureCount: Int
    /// The weak learners in boosting order. Fewer than `settings.trees` when early stopping
    /// stopped; with the held-out normalization the last one is a root-only tree holding the
    /// rate term (see ``validation``).
    public let trees: [BPTTree]
    /// Loss curves and held-out choices, when the model was trained with held-out events.
    public let validation: BPTValidationRecord?

    public init(settings: BPTSettings, parameterNames: [String], terms: [PolynomialTerm], basePoints: [[Double]],
                featureCount: Int, trees: [BPTTree], validation: BPTValidationRecord? = nil) {
        self.settings = settings
        self.parameterNames = parameterNames
        self.terms = terms
        self.basePoints = basePoints
        self.featureCount = featureCount
        self.trees = trees
        self.validation = validation
    }

    /// The same model with only its first `count` trees (the curves are dropped): T^(count).
    public func truncated(to count: Int) -> BPTModel {
        precondition(count >= 0 && count <= trees.count, "count must be in 0...trees.count")
        return BPTModel(settings: settings, parameterNames: parameterNames, terms: terms, basePoints: basePoints,
                        featureCount: featureCount, trees: Array(trees.prefix(count)))
    }

    /// T(x|ν) for every event of row-major `x` (`count × featureCount`), eq. (C.32):
    /// Σ_b η Σ_j 1_j(x) ν_A Δ_{A,j}.
    ///
    /// - Complexity: O(count · B · depth) after O(B · leaves · N_Δ) to fold ν into each leaf.
    public func predict(x: [Double], count: Int, nu: [Double], threads: Int = 1) -> [Double] {
        predict(x: x, count: count, nus: [nu], threads: threads)[0]
    }

    /// T(x|ν) at several ν (`result[k][i]` for `nus[k]`), each exactly as ``predict(x:count:nu:threads:)``
    /// gives it, with one pass through the trees per event instead of one per ν.
    ///
    /// - Complexity: O(count · B · (depth + ν count)).
    public func predict(x: [Double], count: Int, nus: [[Double]], threads: Int = 1) -> [[Double]] {
        precondition(nus.allSatisfy { $0.count == parameterNames.count }, "each ν must have one value per parameter")
        return FlatForest.foldedSums(trees, x: x, count: count, featureCount: featureCount,
                                     folds: nus.map { nu in terms.map { $0.value(at: nu) } },
                                     learningRate: settings.learningRate, offset: nil, threads: threads)
    }

    /// The DCR estimate S(x|ν) = exp(T(x|ν)) (eq. 62) per event.
    public func ratio(x: [Double], count: Int, nu: [Double], threads: Int = 1) -> [Double] {
        predict(x: x, count: count, nu: nu, threads: threads).map { exp($0) }
    }

    /// The coefficient functions Δ_A(x) = Σ_b η Δ_{A,j_b(x)} (eq. 57), row-major
    /// `count × terms.count`.
    public func coefficients(x: [Double], count: Int, threads: Int = 1) -> [Double] {
        trees.summedLeafCoefficients(x: x, count: count, featureCount: featureCount, width: terms.count,
                                     learningRate: settings.learningRate, threads: threads)
    }

    /// How often each feature is used in a split, over all trees.
    public var splitCounts: [Int] {
        var counts = [Int](repeating: 0, count: featureCount)
        for tree in trees { for f in tree.splitFeature { counts[f] += 1 } }
        return counts
    }
}
