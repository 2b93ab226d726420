import BoostedParametricTree
import Foundation
import Validation

/// `validation/<name>/c2st.json`: the classifier two-sample test of one surrogate at each of
/// its base points ν ≠ 0 (section 7.6, figure 10), and what it was computed from.
public struct C2STReport: Codable, Sendable, Equatable {
    public var format = "refinery-c2st"
    public var version = 1
    public var systematic: String
    /// Hash of everything the result depends on (model, record, samples, settings): equal keys
    /// mean `validate` would compute this report again, so it is reused.
    public var identityKey: String
    public var modelSHA256: String
    /// The surrogate's held-out split: the test uses only its held-out events.
    public var split: HeldOutSplit
    public var settings: ClassifierSettings
    public var xgboostVersion: String
    public var basePoints: [BasePoint]
    /// The p-value a base point's reweighted accuracy must exceed: α / (base points tested).
    public var threshold: Double
    public var passed: Bool { basePoints.allSatisfy(\.passed) }

    public struct BasePoint: Codable, Sendable, Equatable {
        public var nu: [Double]
        public var test: TwoSampleTest.Result
        public var passed: Bool
        /// Whether D_ν itself differs from D_SM at the test's size (the test has power here).
        public var effectDetected: Bool
    }
}

extension C2STReport {
    /// The table `c2st.md`.
    public var table: String {
        var lines = [
            "# Classifier two-sample test: \(systematic)", "",
            "XGBoost \(xgboostVersion) (`hist`, \(settings.rounds) rounds, depth \(settings.maxDepth), η = \(settings.learningRate)), "
                + "\(settings.nullClassifiers) permutation-null classifiers; events held out from training "
                + "(split fraction \(split.fraction), seed \(split.seed)); classifier seed \(settings.seed).",
            "Pass: binomial p-value of the reweighted accuracy > \(String(format: "%.3g", threshold)) "
                + "(α = \(settings.alpha) over \(basePoints.count) base points). Verdict: **\(passed ? "pass" : "FAIL")**.", "",
            "| ν | events (SM, varied) | n_eff (test) | accuracy, reweighted | p (binomial) | p (permutation) | accuracy, unreweighted | p (binomial) | null mean ± sd (permutation) | binomial sd | verdict |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for point in basePoints {
            let t = point.test
            let nulls = t.nullAccuracies
            let mean = nulls.isEmpty ? Double.nan : nulls.reduce(0, +) / Double(nulls.count)
            let sd = nulls.count < 2 ? Double.nan : (nulls.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(nulls.count - 1)).squareRoot()
            lines.append("| (" + point.nu.map { String(format: "%g", $0) }.joined(separator: ", ") + ") | "
                + "\(t.referenceEvents), \(t.variedEvents) | \(String(format: "%.0f", t.testEffectiveEvents)) | "
                + String(format: "%.4f", t.accuracy) + " | " + String(format: "%.3g", t.pValue) + " | "
                + (t.permutationPValue.map { String(format: "%.3g", $0) } ?? "–") + " | "
                + (t.accuracyUnreweighted.map { String(format: "%.4f", $0) } ?? "–") + " | "
                + (t.pValueUnreweighted.map { String(format: "%.3g", $0) } ?? "–") + " | "
                + (nulls.isEmpty ? "–" : String(format: "%.4f ± %.4f", mean, sd)) + " | " + String(format: "%.4f", t.binomialSD) + " | "
                + (point.passed ? "pass" : "FAIL") + (point.effectDetected ? "" : " (D_ν not distinguishable either)") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
