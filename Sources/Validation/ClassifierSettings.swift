import Foundation

/// The C2ST's classifier and null distribution, declared once (docs/validation.md); the
/// workspace's `validation:` section overrides any field.
///
/// Defaults: 100 rounds of depth-4 trees at η = 0.2 with the `hist` tree method (256 bins) —
/// enough to find a few-per-mille weighted difference in 14 features at demo size, and small
/// enough that the whole `validate` of the demo (six surrogates, every base point, K null
/// classifiers each) stays within a few minutes on 2 cores. No row or column subsampling, so
/// training involves no random numbers and `seed` only fixes the event splits and the label
/// permutations.
public struct ClassifierSettings: Codable, Sendable, Equatable, Hashable {
    /// Boosting rounds (trees).
    public var rounds: Int = 100
    public var maxDepth: Int = 4
    public var learningRate: Double = 0.2
    /// Histogram bins per feature (`max_bin` of the `hist` method).
    public var maxBin: Int = 256
    /// Minimum summed Hessian per leaf (`min_child_weight`); weights are normalized to a mean
    /// of 1 per event, so this is in units of events.
    public var minChildWeight: Double = 10
    /// Classifiers trained on label-permuted samples for the permutation null (paper: 1000).
    public var nullClassifiers: Int = 10
    /// Size of the test: a surrogate fails when the binomial p-value of its reweighted
    /// accuracy is below `alpha` divided by its number of base points (Bonferroni).
    public var alpha: Double = 0.01
    /// Seed of the event splits (classes, classifier training/testing) and of the permutations.
    public var seed: UInt64 = 13

    public init() {}

    /// XGBoost's parameters. `nthread` is the caller's thread count: `hist` results were
    /// measured and tested to be bit-identical for 1 and 2 threads (docs/validation.md).
    func parameters(threads: Int) -> [(String, String)] {
        [("objective", "binary:logistic"), ("tree_method", "hist"), ("max_depth", String(maxDepth)),
         ("eta", String(learningRate)), ("max_bin", String(maxBin)), ("min_child_weight", String(minChildWeight)),
         ("subsample", "1"), ("colsample_bytree", "1"), ("seed", String(seed % UInt64(Int32.max))),
         ("nthread", String(max(threads, 1))), ("verbosity", "0")]
    }

    /// Refuses settings XGBoost or the null could not use, naming the field.
    public func validated() throws -> ClassifierSettings {
        func require(_ ok: Bool, _ field: String, _ detail: String) throws {
            if !ok { throw C2STError.invalidSetting(field: field, detail: detail) }
        }
        try require(rounds >= 1 && rounds <= 10_000, "rounds", "is \(rounds), expected 1…10000")
        try require(maxDepth >= 1 && maxDepth <= 16, "max_depth", "is \(maxDepth), expected 1…16")
        try require(learningRate > 0 && learningRate <= 1, "learning_rate", "is \(learningRate), expected 0 < η ≤ 1")
        try require(maxBin >= 2 && maxBin <= 65_536, "max_bin", "is \(maxBin), expected 2…65536")
        try require(minChildWeight >= 0 && minChildWeight.isFinite, "min_child_weight", "is \(minChildWeight), expected ≥ 0")
        try require(nullClassifiers >= 0 && nullClassifiers <= 100_000, "null_classifiers", "is \(nullClassifiers), expected 0…100000")
        try require(alpha > 0 && alpha < 1, "alpha", "is \(alpha), expected 0 < α < 1")
        return self
    }

    /// The field names of the `validation:` section that set these values.
    public static var keys: [String] { CodingKeys.allCases.map(\.rawValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case rounds, maxDepth = "max_depth", learningRate = "learning_rate", maxBin = "max_bin"
        case minChildWeight = "min_child_weight", nullClassifiers = "null_classifiers", alpha, seed
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ClassifierSettings()
        rounds = try c.decodeIfPresent(Int.self, forKey: .rounds) ?? d.rounds
        maxDepth = try c.decodeIfPresent(Int.self, forKey: .maxDepth) ?? d.maxDepth
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? d.learningRate
        maxBin = try c.decodeIfPresent(Int.self, forKey: .maxBin) ?? d.maxBin
        minChildWeight = try c.decodeIfPresent(Double.self, forKey: .minChildWeight) ?? d.minChildWeight
        nullClassifiers = try c.decodeIfPresent(Int.self, forKey: .nullClassifiers) ?? d.nullClassifiers
        alpha = try c.decodeIfPresent(Double.self, forKey: .alpha) ?? d.alpha
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
    }
}
