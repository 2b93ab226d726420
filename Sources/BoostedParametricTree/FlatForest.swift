/// Every tree of a boosted model in contiguous buffers, for routing many events through the
/// whole forest: prediction visits B trees per event, and walking an array of ``BPTTree``
/// values (five arrays each) costs reference counting and bounds checks per tree that the
/// comparisons themselves do not need.
///
/// Routing is the trees' own: left iff `x[feature] <= threshold`, a NaN goes right. A child
/// c ≥ 0 is a node of the flat arrays, c < 0 is leaf `~c` numbered across the forest (tree b's
/// leaf j is `leafStart[b] + j`), so per-leaf values of all trees live in one array too.
struct FlatForest: Sendable {
    private let feature: [Int32]
    private let threshold: [Double]
    private let left: [Int32]
    private let right: [Int32]
    /// Per tree, its root node, or `~leaf` for a tree without splits.
    private let root: [Int32]
    /// Per tree, the forest-wide number of its first leaf; the last entry is the leaf total.
    let leafStart: [Int]

    init(_ trees: [BPTTree]) {
        var feature: [Int32] = [], threshold: [Double] = [], left: [Int32] = [], right: [Int32] = []
        var root: [Int32] = [], leafStart: [Int] = [0]
        for tree in trees {
            let nodeBase = Int32(feature.count), leafBase = Int32(leafStart.last!)
            func child(_ c: Int) -> Int32 { c >= 0 ? nodeBase + Int32(c) : ~(leafBase + Int32(~c)) }
            root.append(tree.splitCount == 0 ? ~leafBase : nodeBase)
            for n in 0..<tree.splitCount {
                feature.append(Int32(tree.splitFeature[n]))
                threshold.append(tree.threshold[n])
                left.append(child(tree.left[n]))
                right.append(child(tree.right[n]))
            }
            leafStart.append(leafStart.last! + tree.leafCount)
        }
        (self.feature, self.threshold, self.left, self.right, self.root, self.leafStart) =
            (feature, threshold, left, right, root, leafStart)
    }

    var treeCount: Int { root.count }
    var leafCount: Int { leafStart.last! }

    /// Calls `body` with a router over the forest's buffers (valid only inside `body`).
    func withRouter<R>(_ body: (Router) throws -> R) rethrows -> R {
        try feature.withUnsafeBufferPointer { f in
            try threshold.withUnsafeBufferPointer { t in
                try left.withUnsafeBufferPointer { l in
                    try right.withUnsafeBufferPointer { r in
                        try root.withUnsafeBufferPointer { roots in
                            // An empty buffer has no base address; a forest without splits never reads it.
                            try body(Router(feature: f.baseAddress ?? Router.none(), threshold: t.baseAddress ?? Router.none(),
                                            left: l.baseAddress ?? Router.none(), right: r.baseAddress ?? Router.none(),
                                            root: roots.baseAddress ?? Router.none(), treeCount: roots.count))
                        }
                    }
                }
            }
        }
    }

    struct Router: @unchecked Sendable {
        let feature: UnsafePointer<Int32>
        let threshold: UnsafePointer<Double>
        let left: UnsafePointer<Int32>
        let right: UnsafePointer<Int32>
        let root: UnsafePointer<Int32>
        let treeCount: Int

        static func none<T>() -> UnsafePointer<T> { UnsafePointer(bitPattern: 0x10)! }

        /// The forest-wide leaf that the event whose features start at `x` reaches in tree `b`.
        @inline(__always)
        func leaf(tree b: Int, features x: UnsafePointer<Double>) -> Int {
            var node = root[b]
            while node >= 0 {
                let n = Int(node)
                node = x[Int(feature[n])] <= threshold[n] ? left[n] : right[n]
            }
            return Int(~node)
        }
    }
}
