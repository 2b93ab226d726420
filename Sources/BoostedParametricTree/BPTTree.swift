/// One weak learner of the BPT: an axis-aligned CART tree whose leaves hold the polynomial
/// coefficients Δ_{A,j} of eq. (C.29) (not yet multiplied by the learning rate).
///
/// Internal nodes are stored in flat arrays (index 0 is the root when there is at least one
/// split). A child reference c ≥ 0 is an internal node; c < 0 is leaf `~c` (i.e. −c − 1).
/// Routing: an event goes left iff `x[splitFeature] <= threshold`; thresholds are bin upper
/// edges of the ``FeatureBinner`` (see there), so raw x reaches the leaf its binned copy reached
/// during training. A NaN feature goes right.
public struct BPTTree: Sendable, Equatable, Codable {
    public var splitFeature: [Int]
    public var threshold: [Double]
    public var left: [Int]
    public var right: [Int]
    /// Per leaf, one coefficient per term.
    public var leafCoefficients: [[Double]]

    public init(splitFeature: [Int], threshold: [Double], left: [Int], right: [Int], leafCoefficients: [[Double]]) {
        self.splitFeature = splitFeature
        self.threshold = threshold
        self.left = left
        self.right = right
        self.leafCoefficients = leafCoefficients
    }

    public var leafCount: Int { leafCoefficients.count }
    public var splitCount: Int { splitFeature.count }

    /// The number of splits on the longest path from the root to a leaf (0 without splits):
    /// the steps a fixed-length walk takes (``FlatForest``).
    var depth: Int {
        var level = splitCount > 0 ? [0] : [], depth = 0
        while !level.isEmpty {
            depth += 1
            level = level.flatMap { [left[$0], right[$0]] }.filter { $0 >= 0 }
        }
        return depth
    }

    /// The leaf index reached by the event whose features start at `x`.
    @inlinable
    public func leaf(features x: UnsafePointer<Double>) -> Int {
        if splitFeature.isEmpty { return 0 }
        var node = 0
        while true {
            let next = x[splitFeature[node]] <= threshold[node] ? left[node] : right[node]
            if next < 0 { return ~next }
            node = next
        }
    }

    /// Checks the structure: array lengths agree, children point forward (so routing ends), every
    /// leaf is reached exactly once, features and coefficient counts are in range.
    func validate(featureCount: Int, termCount: Int) -> String? {
        let n = splitFeature.count
        guard threshold.count == n, left.count == n, right.count == n else {
            return "split arrays have different lengths"
        }
        if n == 0 { return leafCoefficients.count == 1 ? nil : "a tree without splits must have exactly one leaf" }
        guard leafCoefficients.count == n + 1 else { return "a tree with \(n) splits must have \(n + 1) leaves" }
        var leafSeen = [Bool](repeating: false, count: n + 1)
        var nodeSeen = [Bool](repeating: false, count: n)
        for i in 0..<n {
            guard splitFeature[i] >= 0, splitFeature[i] < featureCount else {
                return "split \(i) uses feature \(splitFeature[i]) but the model has \(featureCount) features"
            }
            guard threshold[i].isFinite else { return "split \(i) has a non-finite threshold" }
            for child in [left[i], right[i]] {
                if child >= 0 {
                    guard child > i, child < n, !nodeSeen[child] else { return "split \(i) has an invalid child \(child)" }
                    nodeSeen[child] = true
                } else {
                    let leaf = ~child
                    guard leaf <= n, !leafSeen[leaf] else { return "split \(i) has an invalid leaf \(leaf)" }
                    leafSeen[leaf] = true
                }
            }
        }
        guard leafSeen.allSatisfy({ $0 }), nodeSeen.dropFirst().allSatisfy({ $0 }) else {
            return "some nodes or leaves are unreachable"
        }
        for (j, c) in leafCoefficients.enumerated() {
            guard c.count == termCount, c.allSatisfy(\.isFinite) else {
                return "leaf \(j) must have \(termCount) finite coefficients"
            }
        }
        return nil
    }
}
