import Foundation

/// The analytic null of a classifier's weighted accuracy (docs/validation.md).
///
/// With both classes normalized to equal total weight on the test events, a classifier trained
/// on other events is right on each test event with probability q (class 0) or 1 − q (class 1)
/// when the two samples come from one distribution, so the weighted accuracy has mean 1/2 and
/// variance Σ w̃²·q(1−q) ≤ 1/(4 n_eff), n_eff = (Σw̃)²/Σw̃². The accuracy is then treated as
/// k/n_eff with k ~ Binomial(n_eff, 1/2): exact for unit weights and q = 1/2, conservative
/// (p-values too large, never too small) otherwise.
public enum BinomialNull {
    /// Kish's effective number of events, (Σw)²/Σw².
    public static func effectiveCount(_ w: [Double]) -> Double {
        var s = 0.0, s2 = 0.0
        for v in w { s += v; s2 += v * v }
        return s2 > 0 ? s * s / s2 : 0
    }

    /// P(k/n ≥ accuracy) for k ~ Binomial(n, 1/2), n = n_eff rounded: the one-sided p-value
    /// (scipy: `binom.sf(ceil(accuracy·n) − 1, n, 0.5)`).
    public static func pValue(accuracy: Double, effectiveCount: Double) -> Double {
        let n = max(Int(effectiveCount.rounded()), 1)
        let k = max(0, Int((accuracy * Double(n) - 1e-9).rounded(.up)))
        if k <= 0 { return 1 }
        if k > n { return 0 }
        // Σ_{j=k}^{n} C(n, j) 2⁻ⁿ in logs, from the largest term (j = k when k ≥ n/2) outwards.
        let logTotal = Double(n) * log(0.5)
        func logTerm(_ j: Int) -> Double { lgamma(Double(n) + 1) - lgamma(Double(j) + 1) - lgamma(Double(n - j) + 1) + logTotal }
        if 2 * k <= n {
            // The tail holds at least half the mass: sum the complement instead.
            return 1 - lowerTail(upTo: k - 1, logTerm)
        }
        var sum = 0.0
        let first = logTerm(k)
        for j in k...n {
            let term = exp(logTerm(j) - first)
            sum += term
            if term < 1e-17 * sum { break }
        }
        return min(1, exp(first) * sum)
    }

    /// Σ_{j ≤ m} of the terms, summed downward from j = m (the largest when m < n/2).
    private static func lowerTail(upTo m: Int, _ logTerm: (Int) -> Double) -> Double {
        guard m >= 0 else { return 0 }
        let first = logTerm(m)
        var sum = 0.0
        for j in stride(from: m, through: 0, by: -1) {
            let term = exp(logTerm(j) - first)
            sum += term
            if term < 1e-17 * sum { break }
        }
        return min(1, exp(first) * sum)
    }
}
