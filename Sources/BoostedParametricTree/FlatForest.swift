/// Every tree of a boosted model in contiguous buffers, for routing many events through the
/// whole forest: prediction visits B trees per event, and walking an array of ``BPTTree``
/// values (five arrays each) costs reference counting and bounds checks per tree that the
/// comparisons themselves do not need.
///
/// Routing is the trees' own: left iff `x[feature] <= threshold`, a NaN goes right. It is
/// branch-free and of fixed length: a node's two children sit side by side and the comparison
/// picks one by index, and each tree's leaves are nodes too (after its splits), whose two
/// children are the leaf itself. Every event then takes exactly the tree's `depth` steps (one
/// that reaches a shallow leaf early stays there), so the walks of a tile of events are
/// independent straight-line steps the processor overlaps, with no mispredicted loop exit.
/// Tree b's leaf j is node `leafOffset[b] + leafStart[b] + j`, and its forest-wide number is
/// `leafStart[b] + j`, so per-leaf values of all trees live in one array too.
struct FlatForest: Sendable {
    private let feature: [Int32]
    private let threshold: [Double]
    /// children[2n] (left) and children[2n + 1] (right) of node n.
    private let children: [Int32]
    /// Per tree, its root node (its only leaf for a tree without splits).
    private let root: [Int32]
    /// Per tree, the number of splits on its longest root-to-leaf path.
    private let depth: [Int32]
    /// Per tree, node − leafOffset is the forest-wide number of a leaf node.
    private let leafOffset: [Int32]
    /// Per tree, the forest-wide number of its first leaf; the last entry is the leaf total.
    let leafStart: [Int]

    init(_ trees: [BPTTree]) {
        var feature: [Int32] = [], threshold: [Double] = [], children: [Int32] = []
        var root: [Int32] = [], depth: [Int32] = [], leafOffset: [Int32] = [], leafStart: [Int] = [0]
        for tree in trees {
            let nodeBase = Int32(feature.count), splits = Int32(tree.splitCount)
            func child(_ c: Int) -> Int32 { c >= 0 ? nodeBase + Int32(c) : nodeBase + splits + Int32(~c) }
            root.append(nodeBase)
            leafOffset.append(nodeBase + splits - Int32(leafStart.last!))
            for n in 0..<tree.splitCount {
                feature.append(Int32(tree.splitFeature[n]))
                threshold.append(tree.threshold[n])
                children.append(child(tree.left[n]))
                children.append(child(tree.right[n]))
            }
            for j in 0..<tree.leafCount {
                // Both ways lead back to the leaf (a NaN feature goes right, every other value left).
                feature.append(0)
                threshold.append(.infinity)
                children.append(nodeBase + splits + Int32(j))
                children.append(nodeBase + splits + Int32(j))
            }
            depth.append(Int32(tree.depth))
            leafStart.append(leafStart.last! + tree.leafCount)
        }
        (self.feature, self.threshold, self.children, self.root, self.depth, self.leafOffset, self.leafStart) =
            (feature, threshold, children, root, depth, leafOffset, leafStart)
    }

    var treeCount: Int { root.count }
    var leafCount: Int { leafStart.last! }

    /// Calls `body` with a router over the forest's buffers (valid only inside `body`).
    func withRouter<R>(_ body: (Router) throws -> R) rethrows -> R {
        try feature.withUnsafeBufferPointer { f in
            try threshold.withUnsafeBufferPointer { t in
                try children.withUnsafeBufferPointer { c in
                    try root.withUnsafeBufferPointer { roots in
                        try depth.withUnsafeBufferPointer { depth in
                            try leafOffset.withUnsafeBufferPointer { offset in
                                // An empty buffer has no base address; a forest without trees never reads it.
                                try body(Router(feature: f.baseAddress ?? Router.none(), threshold: t.baseAddress ?? Router.none(),
                                                children: c.baseAddress ?? Router.none(), root: roots.baseAddress ?? Router.none(),
                                                depth: depth.baseAddress ?? Router.none(),
                                                leafOffset: offset.baseAddress ?? Router.none(), treeCount: roots.count))
                            }
                        }
                    }
                }
            }
        }
    }

    struct Router: @unchecked Sendable {
        let feature: UnsafePointer<Int32>
        let threshold: UnsafePointer<Double>
        let children: UnsafePointer<Int32>
        let root: UnsafePointer<Int32>
        let depth: UnsafePointer<Int32>
        let leafOffset: UnsafePointer<Int32>
        let treeCount: Int

        static func none<T>() -> UnsafePointer<T> { UnsafePointer(bitPattern: 0x10)! }

        /// The forest-wide leaves that `count` events (row-major `x`, `featureCount` values per
        /// event) reach in tree `b`, into `leaves`: level by level over all of them, so their
        /// walks overlap.
        @inline(__always)
        func leaves(tree b: Int, x: UnsafePointer<Double>, featureCount nf: Int, count: Int,
                    into leaves: UnsafeMutablePointer<Int32>) {
            leaves.update(repeating: root[b], count: count)
            for _ in 0..<depth[b] {
                for e in 0..<count {
                    let n = Int(leaves[e])
                    leaves[e] = children[2 * n + (x[e * nf + Int(feature[n])] <= threshold[n] ? 0 : 1)]
                }
            }
            let offset = leafOffset[b]
            for e in 0..<count { leaves[e] -= offset }
        }
    }
}

extension FlatForest {
    /// Events per tile of ``sums(x:count:featureCount:leafValues:width:threads:store:)``.
    static let tileEvents = 64
    /// Events per parallel task (fixed, so results do not depend on `threads`).
    static let eventsPerTask = 4096

    /// For every event of row-major `x` (`count × featureCount`), the sums over trees of its
    /// leaves' rows of `leafValues` (forest-wide leaf-major, `width` values per leaf), added tree
    /// by tree in boosting order starting from zero; `store(i, row)` receives event i's sums.
    ///
    /// Events go in tiles of 64 through one tree at a time: the tree and its leaf values stay in
    /// the first-level cache, and 64 independent walks keep the processor busy. Every event's
    /// additions happen in the same order as a walk of the trees one by one, so the sums are the
    /// same to the bit. `store` is called concurrently for distinct events.
    func sums(x: UnsafePointer<Double>?, count: Int, featureCount nf: Int, leafValues: [Double], width: Int,
              threads: Int, store: (Int, UnsafePointer<Double>) -> Void) {
        precondition(leafValues.count == leafCount * width, "leafValues must hold width values per leaf")
        let tasks = (count + Self.eventsPerTask - 1) / Self.eventsPerTask
        let tile = Self.tileEvents
        leafValues.withUnsafeBufferPointer { leafValues in
            withRouter { router in
                let values = leafValues.baseAddress ?? Router.none()
                ParallelExecutor(threads: threads).forEach(tasks) { task in
                    withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, tile * width)) { sums in
                        withUnsafeTemporaryAllocation(of: Int32.self, capacity: tile) { leaves in
                            let sums = sums.baseAddress!, leaves = leaves.baseAddress!
                            var first = task * Self.eventsPerTask
                            let end = min(count, first + Self.eventsPerTask)
                            while first < end {
                                let m = min(tile, end - first)
                                sums.update(repeating: 0, count: m * width)
                                let rows = x! + first * nf
                                for b in 0..<router.treeCount {
                                    router.leaves(tree: b, x: rows, featureCount: nf, count: m, into: leaves)
                                    for e in 0..<m {
                                        let leaf = values + Int(leaves[e]) * width
                                        let s = sums + e * width
                                        // Four lanes at a time: each lane is the same IEEE addition.
                                        var k = 0
                                        while k + 4 <= width {
                                            let sum = UnsafeRawPointer(s + k).loadUnaligned(as: SIMD4<Double>.self)
                                                + UnsafeRawPointer(leaf + k).loadUnaligned(as: SIMD4<Double>.self)
                                            UnsafeMutableRawPointer(s + k).storeBytes(of: sum, as: SIMD4<Double>.self)
                                            k += 4
                                        }
                                        while k < width { s[k] += leaf[k]; k += 1 }
                                    }
                                }
                                for e in 0..<m { store(first + e, sums + e * width) }
                                first += m
                            }
                        }
                    }
                }
            }
        }
    }

    /// Per weight vector c_k, for every event: `offset` + Σ_b η Σ_A c_kA v_{A,j_b(x)}, the leaf
    /// coefficients v of each tree folded with c_k (ν's term values for T(x|ν) of eq. C.32,
    /// θ_A for R̂(x|θ) of eq. 67). `result[k][i]`; each k exactly as if predicted alone.
    static func foldedSums(_ trees: [BPTTree], x: [Double], count: Int, featureCount: Int, folds: [[Double]],
                           learningRate eta: Double, offset: Double?, threads: Int) -> [[Double]] {
        precondition(x.count == count * featureCount, "x must hold count × featureCount values")
        let nk = folds.count
        // η c_k · v per forest-wide leaf j and k, leaf-major (leafValues[j · nk + k]): the
        // per-event work is then one walk and nk additions per tree.
        let forest = FlatForest(trees)
        var leafValues: [Double] = []
        leafValues.reserveCapacity(forest.leafCount * nk)
        for tree in trees {
            for v in tree.leafCoefficients {
                for c in folds {
                    var t = 0.0
                    for a in 0..<c.count { t += c[a] * v[a] }
                    leafValues.append(eta * t)
                }
            }
        }
        var pointers = [UnsafeMutablePointer<Double>]()
        for _ in 0..<nk { pointers.append(UnsafeMutablePointer.allocate(capacity: max(count, 1))) }
        defer { for p in pointers { p.deallocate() } }
        x.withUnsafeBufferPointer { x in
            forest.sums(x: x.baseAddress, count: count, featureCount: featureCount, leafValues: leafValues, width: nk,
                        threads: threads) { i, t in
                if let offset {
                    for k in 0..<nk { pointers[k][i] = offset + t[k] }
                } else {
                    for k in 0..<nk { pointers[k][i] = t[k] }
                }
            }
        }
        return pointers.map { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }
}
