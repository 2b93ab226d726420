import Foundation

/// A weighted 1-D histogram with fixed edges; under- and overflow are not kept.
public struct Histogram1D: Sendable {
    public let edges: [Double]
    public private(set) var sums: [Double]
    public private(set) var sumsOfSquares: [Double]

    public init(edges: [Double]) {
        precondition(edges.count >= 2)
        self.edges = edges
        sums = Array(repeating: 0, count: edges.count - 1)
        sumsOfSquares = sums
    }

    /// Equal-width bins covering [low, high].
    public init(bins: Int, low: Double, high: Double) {
        self.init(edges: (0...bins).map { low + (high - low) * Double($0) / Double(bins) })
    }

    /// The bin of `value`, or nil outside the edges. - Complexity: O(log bins).
    public func bin(of value: Double) -> Int? {
        guard value >= edges[0], value <= edges[edges.count - 1] else { return nil }
        var low = 0, high = edges.count - 1
        while high - low > 1 {
            let mid = (low + high) / 2
            if value < edges[mid] { high = mid } else { low = mid }
        }
        return low
    }

    public mutating func fill(_ value: Double, weight: Double) {
        guard let bin = bin(of: value) else { return }
        fill(bin: bin, weight: weight)
    }

    /// `fill` for a value whose `bin(of:)` is already known (many weights on the same values).
    public mutating func fill(bin: Int, weight: Double) {
        sums[bin] += weight
        sumsOfSquares[bin] += weight * weight
    }

    /// `fill(bin: bins[i], weight: weights[i])` for every i with `bins[i] >= 0`, in order (so
    /// every bin sums the same values in the same order), without a uniqueness check per value.
    public mutating func fill(bins: [Int], weights: [Double]) { fillAll(bins, weights) }

    /// The same for bin indices kept compactly (a histogram of at most 127 bins; −1 = outside).
    public mutating func fill(bins: [Int8], weights: [Double]) { fillAll(bins, weights) }

    private mutating func fillAll<Index: FixedWidthInteger>(_ bins: [Index], _ weights: [Double]) {
        precondition(bins.count == weights.count, "one weight per bin index")
        let count = sums.count
        sums.withUnsafeMutableBufferPointer { sums in
            sumsOfSquares.withUnsafeMutableBufferPointer { squares in
                for (index, w) in zip(bins, weights) where index >= 0 {
                    let b = Int(index)
                    precondition(b < count, "bin index outside the histogram")
                    sums[b] += w
                    squares[b] += w * w
                }
            }
        }
    }

    /// Bin-by-bin ratio to `other`, NaN where `other` is empty.
    public func ratio(to other: Histogram1D) -> [Double] {
        zip(sums, other.sums).map { $1 != 0 ? $0 / $1 : .nan }
    }
}
