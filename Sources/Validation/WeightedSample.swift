/// Weighted events for one side of a two-sample test: row-major features and one weight each.
public struct WeightedSample: Sendable {
    public var x: [Double]
    public var w: [Double]
    public var featureCount: Int

    public init(x: [Double], w: [Double], featureCount: Int) throws {
        guard featureCount > 0, x.count == w.count * featureCount else {
            throw C2STError.shape(detail: "\(x.count) feature values for \(w.count) weights × \(featureCount) features")
        }
        self.x = x
        self.w = w
        self.featureCount = featureCount
    }

    public var count: Int { w.count }

    /// The events at `rows`, in that order.
    public func selecting(_ rows: [Int]) -> WeightedSample {
        var xs: [Double] = []
        xs.reserveCapacity(rows.count * featureCount)
        for r in rows { xs.append(contentsOf: x[(r * featureCount)..<((r + 1) * featureCount)]) }
        return try! WeightedSample(x: xs, w: rows.map { w[$0] }, featureCount: featureCount)
    }

    /// The same events with every weight multiplied by `factors` (eq. 92: factors = 1/Ŝ).
    public func reweighted(by factors: [Double]) -> WeightedSample {
        var copy = self
        for i in copy.w.indices { copy.w[i] *= factors[i] }
        return copy
    }
}
