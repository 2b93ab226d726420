/// A grown tree's structure in bin codes, for routing binned events (held-out or training)
/// without their raw features: "code ≤ bin goes left" is the same test as the model's
/// `x <= threshold` (see ``FeatureBinner``).
///
/// The loss curves route every event through every new tree, so routing is branch-free: a
/// node's two children sit side by side and the comparison picks one by index, rather than a
/// jump the processor mispredicts half the time. A child c ≥ 0 is a node, c < 0 is leaf `~c`.
struct BinnedTree: Sendable {
    private let feature: [Int32]
    private let bin: [Int32]
    /// children[2n] (left) and children[2n + 1] (right) of node n.
    private let children: [Int32]

    init(tree: BPTTree, splitBins: [Int]) {
        feature = tree.splitFeature.map { Int32($0) }
        bin = splitBins.map { Int32($0) }
        children = tree.left.indices.flatMap { [Int32(tree.left[$0]), Int32(tree.right[$0])] }
    }

    /// Calls `body` with a router over the tree's arrays (valid only inside `body`).
    func withRouter<R>(_ body: (Router) -> R) -> R {
        feature.withUnsafeBufferPointer { f in
            bin.withUnsafeBufferPointer { b in
                children.withUnsafeBufferPointer { c in
                    body(Router(feature: f.baseAddress, bin: b.baseAddress, children: c.baseAddress))
                }
            }
        }
    }

    struct Router: @unchecked Sendable {
        /// nil for a tree without splits (every event reaches leaf 0).
        let feature: UnsafePointer<Int32>?
        let bin: UnsafePointer<Int32>?
        let children: UnsafePointer<Int32>?

        @inline(__always)
        func leaf(codes: UnsafePointer<UInt8>) -> Int {
            guard let feature, let bin, let children else { return 0 }
            var node = 0
            while true {
                let right = Int32(codes[Int(feature[node])]) > bin[node] ? 1 : 0
                let next = Int(children[2 * node + right])
                if next < 0 { return ~next }
                node = next
            }
        }
    }
}
