/// A grown tree's structure in bin codes, for routing binned events (held-out or training)
/// without their raw features: "code ≤ bin goes left" is the same test as the model's
/// `x <= threshold` (see ``FeatureBinner``).
///
/// The loss curves route every event through every new tree, so routing is branch-free and
/// has a fixed length: the tree's leaves are nodes too, after its splits, whose test always
/// goes left and whose two children are the leaf itself. Every event then takes exactly
/// `depth` steps (an event that reaches a shallow leaf early stays there), so the walks of
/// many events are independent straight-line steps that the processor overlaps, instead of
/// one walk's dependent loads at a time and a jump it mispredicts at every level.
struct BinnedTree: Sendable {
    /// Per node (splits 0..<splitCount, then the leaves), its feature and bin; a leaf's bin is
    /// `Int32.max`, which no code exceeds.
    private let feature: [Int32]
    private let bin: [Int32]
    /// children[2n] (left) and children[2n + 1] (right) of node n.
    private let children: [Int32]
    private let splitCount: Int32
    /// The number of splits on the longest path from the root (node 0) to a leaf.
    let depth: Int

    init(tree: BPTTree, splitBins: [Int]) {
        let splits = tree.splitCount
        func node(_ c: Int) -> Int32 { Int32(c >= 0 ? c : splits + ~c) }
        var feature = tree.splitFeature.map { Int32($0) }, bin = splitBins.map { Int32($0) }
        var children = (0..<splits).flatMap { [node(tree.left[$0]), node(tree.right[$0])] }
        for leaf in 0..<tree.leafCount {
            feature.append(0)
            bin.append(.max)
            children += [Int32(splits + leaf), Int32(splits + leaf)]
        }
        // A tree without splits has its leaf as node 0 (the root).
        (self.feature, self.bin, self.children, self.splitCount, self.depth) =
            (feature, bin, children, Int32(splits), tree.depth)
    }

    /// Calls `body` with a router over the tree's arrays (valid only inside `body`).
    func withRouter<R>(_ body: (Router) -> R) -> R {
        feature.withUnsafeBufferPointer { f in
            bin.withUnsafeBufferPointer { b in
                children.withUnsafeBufferPointer { c in
                    body(Router(feature: f.baseAddress!, bin: b.baseAddress!, children: c.baseAddress!,
                                splitCount: splitCount, depth: depth))
                }
            }
        }
    }

    struct Router: @unchecked Sendable {
        let feature: UnsafePointer<Int32>
        let bin: UnsafePointer<Int32>
        let children: UnsafePointer<Int32>
        let splitCount: Int32
        let depth: Int

        @inline(__always)
        private func step(_ node: Int, _ codes: UnsafePointer<UInt8>) -> Int {
            Int(children[2 * node + (Int32(codes[Int(feature[node])]) > bin[node] ? 1 : 0)])
        }

        /// The leaves of `count` consecutive events (row-major codes, `featureCount` per event)
        /// into `leaves`: level by level over all of them, so that their walks overlap.
        @inline(__always)
        func leaves(codes: UnsafePointer<UInt8>, featureCount nf: Int, count: Int, into leaves: UnsafeMutablePointer<Int32>) {
            leaves.update(repeating: 0, count: count)
            for _ in 0..<depth {
                for e in 0..<count { leaves[e] = Int32(truncatingIfNeeded: step(Int(leaves[e]), codes + e * nf)) }
            }
            for e in 0..<count { leaves[e] -= splitCount }
        }
    }
}
