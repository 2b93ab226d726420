import Foundation

/// Row ranges of a node, one per row group.
struct TreeNode {
    var begin: [Int]
    var end: [Int]

    func rows(_ g: Int) -> Int { end[g] - begin[g] }
    var totalRows: Int { zip(begin, end).reduce(0) { $0 + $1.1 - $1.0 } }
}

/// A terminal node: its rows (for reweighting or residual updates) and its values (the BPT's
/// coefficients Δ_{A,j} of eq. C.29, the BIT's per-output means).
struct TreeLeaf {
    let node: TreeNode
    let coefficients: [Double]
}

/// What a tree grower needs from a learner: the minimum node size, the best split of a node
/// from its histogram and slot totals (nil if none improves the node), and a leaf's values.
protocol SplitCriterion {
    var minNodeSize: Double { get }
    func bestSplit(histogram: UnsafeMutablePointer<Double>, totals: [Double]) -> SplitCandidate?
    func leafValues(_ totals: UnsafePointer<Double>) -> [Double]
}

/// Grows one CART tree on the current weights, depth first, reading top-down like LightGBM's
/// `SerialTreeLearner::Train`: build the root histogram, find the best split from the
/// histogram, partition the rows, build the smaller child's histogram and obtain the larger
/// child's as parent minus smaller, recurse. The split criterion is the learner's: eq. (C.31)
/// for the BPT (``BPTSplitCriterion``), the squared-sum gain for the BIT.
final class TreeGrower<Criterion: SplitCriterion> {
    typealias Node = TreeNode
    typealias Leaf = TreeLeaf

    let groups: [RowGroup]
    let layout: HistogramLayout
    let criterion: Criterion
    let binner: FeatureBinner
    let maxDepth: Int
    let executor: ParallelExecutor
    private let builder: HistogramBuilder
    private var freeBuffers: [UnsafeMutablePointer<Double>] = []
    private var allBuffers: [UnsafeMutablePointer<Double>] = []

    // The tree under construction.
    private var splitFeature: [Int] = []
    private var threshold: [Double] = []
    /// The bin of each split ("code ≤ bin goes left"), for routing binned held-out events.
    private var splitBin: [Int] = []
    private var leftChild: [Int] = []
    private var rightChild: [Int] = []
    private var leaves: [Leaf] = []

    init(groups: [RowGroup], layout: HistogramLayout, criterion: Criterion, binner: FeatureBinner,
         maxDepth: Int, executor: ParallelExecutor) {
        self.groups = groups
        self.layout = layout
        self.criterion = criterion
        self.binner = binner
        self.maxDepth = maxDepth
        self.executor = executor
        builder = HistogramBuilder(layout: layout, groups: groups, executor: executor)
    }

    deinit {
        for buffer in allBuffers { buffer.deallocate() }
    }

    private func acquireBuffer() -> UnsafeMutablePointer<Double> {
        if let buffer = freeBuffers.popLast() { return buffer }
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: layout.size)
        allBuffers.append(buffer)
        return buffer
    }

    private func release(_ buffer: UnsafeMutablePointer<Double>?) {
        if let buffer { freeBuffers.append(buffer) }
    }

    /// Grows a tree over all rows of every group and returns it with its leaves.
    ///
    /// - Complexity: per level, O(R_small · F · C) to build histograms of the smaller children
    ///   plus O(R) to partition, and O(nodes · F · B · N_V²) for the split search.
    func grow() -> (tree: BPTTree, leaves: [Leaf], splitBins: [Int]) {
        splitFeature = []; threshold = []; splitBin = []; leftChild = []; rightChild = []; leaves = []
        // Identity order at the root keeps the first pass sequential in memory.
        executor.forEach(groups.count) { g in
            let indices = self.groups[g].indices
            for i in 0..<self.groups[g].count { indices[i] = UInt32(truncatingIfNeeded: i) }
        }
        let root = Node(begin: [Int](repeating: 0, count: groups.count), end: groups.map(\.count))
        let histogram = acquireBuffer()
        builder.build(begin: root.begin, end: root.end, into: histogram, identityOrder: true)
        // Totals from feature 0: every row lands in exactly one of its bins.
        var totals = [Double](repeating: 0, count: layout.slotCount)
        for b in 0..<layout.binCounts[0] {
            for k in 0..<layout.slotCount { totals[k] += histogram[b * layout.slotCount + k] }
        }
        let rootReference = grow(node: root, histogram: canSplit(root, depth: 0) ? histogram : nil,
                                 totals: totals, depth: 0)
        release(histogram)
        precondition(splitFeature.isEmpty ? rootReference == ~0 : rootReference == 0)
        let tree = BPTTree(splitFeature: splitFeature, threshold: threshold, left: leftChild, right: rightChild,
                           leafCoefficients: leaves.map(\.coefficients))
        return (tree, leaves, splitBin)
    }

    /// A node can be split if it is above the maximum depth and every sample has enough events
    /// for two children.
    private func canSplit(_ node: Node, depth: Int) -> Bool {
        guard depth < maxDepth else { return false }
        let needed = 2 * criterion.minNodeSize
        for g in 0..<groups.count where Double(node.rows(g)) < needed { return false }
        return true
    }

    /// Returns the child reference of `node` (≥ 0 internal, < 0 leaf). `histogram` is nil when
    /// the node cannot be split; the caller keeps ownership of it.
    private func grow(node: Node, histogram: UnsafeMutablePointer<Double>?, totals: [Double], depth: Int) -> Int {
        guard let histogram, let split = criterion.bestSplit(histogram: histogram, totals: totals) else {
            let coefficients = totals.withUnsafeBufferPointer { criterion.leafValues($0.baseAddress!) }
            leaves.append(Leaf(node: node, coefficients: coefficients))
            return ~(leaves.count - 1)
        }
        let index = splitFeature.count
        splitFeature.append(split.feature)
        threshold.append(binner.edges[split.feature][split.bin])
        splitBin.append(split.bin)
        leftChild.append(0)
        rightChild.append(0)

        var leftNode = node, rightNode = node
        var middle = [Int](repeating: 0, count: groups.count)
        middle.withUnsafeMutableBufferPointer { middle in
            let middle = middle.baseAddress!
            executor.forEach(groups.count) { g in
                middle[g] = self.partition(group: g, begin: node.begin[g], end: node.end[g],
                                           feature: split.feature, bin: split.bin)
            }
        }
        leftNode.end = middle
        rightNode.begin = middle
        let leftTotals = layout.leftSums(histogram: histogram, split: split)
        let rightTotals = zip(totals, leftTotals).map { $0 - $1 }

        let leftSplittable = canSplit(leftNode, depth: depth + 1)
        let rightSplittable = canSplit(rightNode, depth: depth + 1)
        var leftHistogram: UnsafeMutablePointer<Double>? = nil
        var rightHistogram: UnsafeMutablePointer<Double>? = nil
        if leftSplittable || rightSplittable {
            // The larger child's histogram is parent minus smaller child: one pass over the
            // smaller child's rows instead of over all of the parent's.
            let leftIsSmaller = leftNode.totalRows <= rightNode.totalRows
            let small = leftIsSmaller ? leftNode : rightNode
            let smallHistogram = acquireBuffer()
            builder.build(begin: small.begin, end: small.end, into: smallHistogram)
            if leftIsSmaller ? rightSplittable : leftSplittable {
                builder.subtract(smallHistogram, from: histogram)
            }
            leftHistogram = leftIsSmaller ? smallHistogram : histogram
            rightHistogram = leftIsSmaller ? histogram : smallHistogram
            // The parent's buffer now belongs to the larger child; release only our own.
            defer { release(smallHistogram) }
            leftChild[index] = grow(node: leftNode, histogram: leftSplittable ? leftHistogram : nil,
                                    totals: leftTotals, depth: depth + 1)
            rightChild[index] = grow(node: rightNode, histogram: rightSplittable ? rightHistogram : nil,
                                     totals: rightTotals, depth: depth + 1)
        } else {
            leftChild[index] = grow(node: leftNode, histogram: nil, totals: leftTotals, depth: depth + 1)
            rightChild[index] = grow(node: rightNode, histogram: nil, totals: rightTotals, depth: depth + 1)
        }
        return index
    }

    /// Stable in-place partition of a group's row range: rows with code ≤ bin first.
    /// Returns the first index of the right part.
    ///
    /// - Complexity: O(end − begin).
    private func partition(group g: Int, begin: Int, end: Int, feature: Int, bin: Int) -> Int {
        let group = groups[g]
        let codes = group.codes + feature
        let stride = layout.featureCount
        let indices = group.indices
        let scratch = group.scratch
        let limit = UInt8(truncatingIfNeeded: bin)
        var write = begin
        var spilled = 0
        // Branch-free: the side is data-dependent and unpredictable, so write the row to both
        // places and advance only the matching cursor.
        for i in begin..<end {
            let row = indices[i]
            let goesLeft = codes[Int(row) * stride] <= limit ? 1 : 0
            indices[write] = row
            scratch[spilled] = row
            write += goesLeft
            spilled += 1 - goesLeft
        }
        (indices + write).update(from: scratch, count: spilled)
        return write
    }
}
