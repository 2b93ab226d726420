import CVectorMath

/// A grown tree's structure in bin codes, for routing binned events (held-out or training)
/// without their raw features: "code ≤ bin goes left" is the same test as the model's
/// `x <= threshold` (see ``FeatureBinner``).
///
/// The loss curves route every event through every new tree. They do it a chunk of events at a
/// time from codes stored column by column (``BinnedColumns``, ``refinery_route_columns``):
/// each split compares one contiguous column with its bin for 64 events at once, and the events
/// that reach a node are a bit mask, instead of one dependent load chain per event and level.
struct BinnedTree: Sendable {
    /// Per split, its feature and bin.
    private let feature: [Int32]
    private let bin: [Int32]
    /// children[2n] (left) and children[2n + 1] (right) of split n; a child ≥ splitCount is leaf
    /// (child − splitCount).
    private let children: [Int32]
    private let splitCount: Int

    init(tree: BPTTree, splitBins: [Int]) {
        let splits = tree.splitCount
        func node(_ c: Int) -> Int32 { Int32(c >= 0 ? c : splits + ~c) }
        (feature, bin, splitCount) = (tree.splitFeature.map { Int32($0) }, splitBins.map { Int32($0) }, splits)
        children = (0..<splits).flatMap { [node(tree.left[$0]), node(tree.right[$0])] }
    }

    /// Calls `body` with a router over the tree's arrays (valid only inside `body`).
    func withRouter<R>(_ body: (Router) -> R) -> R {
        feature.withUnsafeBufferPointer { f in
            bin.withUnsafeBufferPointer { b in
                children.withUnsafeBufferPointer { c in
                    body(Router(feature: f.baseAddress, bin: b.baseAddress, children: c.baseAddress,
                                splitCount: splitCount))
                }
            }
        }
    }

    struct Router: @unchecked Sendable {
        let feature: UnsafePointer<Int32>?
        let bin: UnsafePointer<Int32>?
        let children: UnsafePointer<Int32>?
        let splitCount: Int

        /// The leaves of the first `count` events of chunk `c` of `columns` into `leaves`.
        @inline(__always)
        func leaves(_ columns: BinnedColumns, chunk c: Int, count: Int, into leaves: UnsafeMutablePointer<Int32>) {
            withUnsafeTemporaryAllocation(of: UInt64.self, capacity: max(1, splitCount)) { scratch in
                refinery_route_columns(columns.chunk(c), columns.featureCount, count, feature, bin, children,
                                       splitCount, scratch.baseAddress!, leaves)
            }
        }
    }
}
