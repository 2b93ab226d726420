import Foundation

/// Quantile bin edges per feature, fitted on the nominal sample (or a subsample of it), like
/// LightGBM's `BinMapper`.
///
/// Binning rule, shared by training and prediction: the bin code of x is the number of edges
/// strictly less than x, so code ≤ b ⟺ x ≤ edges[b]. A split "code ≤ b" is therefore stored as
/// the threshold `edges[b]` in x units and a model routes raw x with `x <= threshold` to exactly
/// the leaf its binned training event reached.
public struct FeatureBinner: Sendable, Equatable, Codable {
    /// Strictly increasing edges per feature; feature f has `edges[f].count + 1` bins.
    public let edges: [[Double]]
    /// The `maxBins` the binner was fitted with (≤ 256 so codes fit in `UInt8`).
    public let maxBins: Int

    public var featureCount: Int { edges.count }

    /// Number of bins of feature `f`.
    public func binCount(feature f: Int) -> Int { edges[f].count + 1 }

    /// A binner with given edges (strictly increasing, finite, fewer than `maxBins` per feature).
    public init(edges: [[Double]], maxBins: Int = 255) {
        precondition(maxBins >= 2 && maxBins <= 256, "maxBins must be in [2, 256]")
        for e in edges {
            precondition(e.count < maxBins, "too many edges for maxBins")
            precondition(zip(e, e.dropFirst()).allSatisfy { $0 < $1 } && e.allSatisfy(\.isFinite),
                         "edges must be finite and strictly increasing")
        }
        self.edges = edges
        self.maxBins = maxBins
    }

    /// Fits quantile edges on row-major `x` (count × featureCount).
    ///
    /// Features with at most `maxBins` distinct values get one bin per value (edges at the
    /// midpoints between neighbours); others get edges at the k/maxBins quantiles of the events,
    /// merged where quantiles coincide. The result depends only on the values, so it is
    /// deterministic.
    ///
    /// - Complexity: O(F · N log N) for N events and F features (one sort per feature column).
    /// - Throws: ``BPTError/nonFiniteFeature(sample:event:feature:value:)`` naming `sample`.
    public init(fitting x: [Double], featureCount: Int, maxBins: Int = 255, sample: SampleID = .nominal) throws {
        precondition(featureCount > 0, "featureCount must be positive")
        precondition(maxBins >= 2 && maxBins <= 256, "maxBins must be in [2, 256]")
        guard x.count % featureCount == 0 else {
            throw BPTError.lengthMismatch(sample: sample, what: "feature array", count: x.count,
                                          expected: (x.count / featureCount + 1) * featureCount)
        }
        let n = x.count / featureCount
        var allEdges: [[Double]] = []
        var column = [Double](repeating: 0, count: n)
        for f in 0..<featureCount {
            for i in 0..<n {
                let v = x[i * featureCount + f]
                guard v.isFinite else {
                    throw BPTError.nonFiniteFeature(sample: sample, event: i, feature: f, value: v)
                }
                column[i] = v
            }
            column.sort()
            allEdges.append(Self.quantileEdges(sorted: column, maxBins: maxBins))
        }
        self.edges = allEdges
        self.maxBins = maxBins
    }

    /// Edges for one sorted column.
    static func quantileEdges(sorted v: [Double], maxBins: Int) -> [Double] {
        guard let last = v.last else { return [] }
        var distinct: [Double] = []
        for value in v where distinct.last != value {
            distinct.append(value)
            if distinct.count > maxBins { break }
        }
        var edges: [Double] = []
        if distinct.count <= maxBins {
            for (lo, hi) in zip(distinct, distinct.dropFirst()) { edges.append(midpoint(lo, hi)) }
        } else {
            let n = v.count
            for k in 1..<maxBins {
                let i = k * n / maxBins
                if i == 0 { continue }
                let lo = v[i - 1], hi = v[i]
                let edge = lo < hi ? midpoint(lo, hi) : lo
                if edge >= last { break }
                if let previous = edges.last, edge <= previous { continue }
                edges.append(edge)
            }
        }
        return edges
    }

    /// A value in [lo, hi) separating lo from hi when possible.
    private static func midpoint(_ lo: Double, _ hi: Double) -> Double {
        let m = lo + (hi - lo) / 2
        return (m > lo && m < hi) ? m : lo
    }

    /// The bin code of `value` for feature `f`: the number of edges strictly less than `value`.
    ///
    /// - Complexity: O(log B) for B bins.
    @inlinable
    public func code(_ value: Double, feature f: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: Self.lowerBound(edges[f], value))
    }

    @usableFromInline
    static func lowerBound(_ e: [Double], _ value: Double) -> Int {
        var lo = 0, hi = e.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if e[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
