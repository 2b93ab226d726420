import Foundation

/// Column bookkeeping of the per-event SMEFT coefficients (appendix A): for P POIs the P linear
/// r_m, then the P(P+1)/2 quadratic r_mn for m ≤ n in row-major upper-triangle order — the
/// columns of `smeft.npy`, of the BIT's outputs and of the inference SPEC.
public enum SmeftColumns {
    /// K = P + P(P+1)/2.
    public static func count(_ p: Int) -> Int { p + p * (p + 1) / 2 }

    /// The column of r_mn (m ≤ n) among P POIs.
    public static func quadratic(_ m: Int, _ n: Int, of p: Int) -> Int {
        let (a, b) = m <= n ? (m, n) : (n, m)
        // Rows 0..<a contribute p, p-1, ... entries.
        return p + a * p - a * (a - 1) / 2 + (b - a)
    }

    /// For the POIs at `subset` (indices into P POIs), the source column of each of the subset's
    /// K' columns; `order` 1 maps the quadratic columns to nil (taken as 0).
    public static func selection(subset: [Int], of p: Int, order: Int = 2) -> [Int?] {
        var columns: [Int?] = subset.map { $0 }
        for a in subset.indices {
            for b in a..<subset.count { columns.append(order >= 2 ? quadratic(subset[a], subset[b], of: p) : nil) }
        }
        return columns
    }

    /// Row-major `rows × width` values reduced to the selected columns (nil → 0).
    public static func select(_ values: [Double], width: Int, columns: [Int?]) -> [Double] {
        let n = width == 0 ? 0 : values.count / width
        var out = [Double](repeating: 0, count: n * columns.count)
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                for i in 0..<n {
                    for (j, c) in columns.enumerated() { if let c { o[i * columns.count + j] = v[i * width + c] } }
                }
            }
        }
        return out
    }

    /// R(θ) = 1 + θ_m r_m + Σ_{m≤n} θ_m θ_n r_mn per event (eq. A.1) for row-major coefficients.
    public static func ratio(_ coefficients: [Double], poiCount p: Int, theta: [Double]) -> [Double] {
        let k = count(p)
        var factors = theta
        for m in 0..<p { for n in m..<p { factors.append(theta[m] * theta[n]) } }
        let n = coefficients.count / k
        return (0..<n).map { i in
            var r = 1.0
            for a in 0..<k { r += factors[a] * coefficients[i * k + a] }
            return r
        }
    }
}
