import Foundation

/// The events of one sample with its own feature rows, as the tree grower sees them.
///
/// Group 0 is the nominal sample; its weight channels are the nominal weights and every
/// reweighted base point (eq. 31), which share the nominal rows, so one pass over the rows fills
/// all of them. Every base point with its own events (eq. 30, section 5.3) is a further group
/// with a single channel.
struct RowGroup {
    /// Row-major bin codes, `count × featureCount`.
    let codes: UnsafePointer<UInt8>
    let count: Int
    /// Row indices, partitioned in place so that every node owns a contiguous range.
    let indices: UnsafeMutablePointer<UInt32>
    /// Scratch for the stable partition, `count` entries.
    let scratch: UnsafeMutablePointer<UInt32>
    /// First histogram slot of this group: its `channelCount` weight channels occupy
    /// `slotStart ..< slotStart + channelCount` and its event count the slot right after them,
    /// so one row updates one contiguous run of slots per feature.
    let slotStart: Int
    let channelCount: Int
    /// Weight arrays of the channels (length `count` each).
    let weights: UnsafeMutablePointer<UnsafeMutablePointer<Double>>

    /// Histogram slot holding this group's event count.
    var countSlot: Int { slotStart + channelCount }
}

/// Layout of a node histogram: for each feature f and bin b, `slotCount` Float64 values: per row
/// group, the weight sums of its channels followed by its event count (slot 0 is the nominal
/// weight). Counts are stored as Float64 (exact below 2⁵³) so that the subtraction trick treats
/// all slots alike.
struct HistogramLayout: Sendable {
    let featureCount: Int
    /// Bins reserved per feature (the largest bin count over features).
    let binStride: Int
    let channelCount: Int
    let groupCount: Int
    /// Bin count per feature.
    let binCounts: [Int]

    var slotCount: Int { channelCount + groupCount }
    /// Doubles in one histogram.
    var size: Int { featureCount * binStride * slotCount }
    /// Doubles per feature.
    var featureSize: Int { binStride * slotCount }
}

/// Builds node histograms from row ranges (LightGBM's `ConstructHistograms`).
///
/// Determinism: each group's range is cut into blocks whose size depends only on the range
/// length (never on the thread count); every block fills its own partial histogram, and the
/// partials are added in block order. Any thread count therefore gives the same bits.
final class HistogramBuilder {
    let layout: HistogramLayout
    let executor: ParallelExecutor
    let groups: [RowGroup]
    /// Smallest block; larger ranges are cut into at most `maxBlocksPerGroup` blocks.
    static let minimumBlockRows = 8192
    static let maxBlocksPerGroup = 16
    private var partials: UnsafeMutablePointer<Double>
    private var partialCapacity: Int

    init(layout: HistogramLayout, groups: [RowGroup], executor: ParallelExecutor) {
        self.layout = layout
        self.groups = groups
        self.executor = executor
        partialCapacity = 0
        partials = UnsafeMutablePointer<Double>.allocate(capacity: 1)
    }

    deinit { partials.deallocate() }

    private struct Block { let group: Int; let begin: Int; let end: Int }

    /// Fills `destination` (``HistogramLayout/size`` doubles) with the histogram of the rows
    /// `begin[g]..<end[g]` of every group g.
    ///
    /// - Complexity: O(R · F · C_g) for R rows, F features and C_g channels per row, plus
    ///   O(blocks · F · bins · slots) to zero and reduce the partial histograms.
    /// `identityOrder` says that `indices[i] == i` in the ranges (the root), so rows are read
    /// without the indirection.
    func build(begin: [Int], end: [Int], into destination: UnsafeMutablePointer<Double>, identityOrder: Bool = false) {
        var blocks: [Block] = []
        for g in 0..<groups.count where end[g] > begin[g] {
            let n = end[g] - begin[g]
            let size = max(Self.minimumBlockRows, (n + Self.maxBlocksPerGroup - 1) / Self.maxBlocksPerGroup)
            var start = begin[g]
            while start < end[g] {
                blocks.append(Block(group: g, begin: start, end: min(start + size, end[g])))
                start += size
            }
        }
        let size = layout.size
        if blocks.count <= 1 {
            destination.initialize(repeating: 0, count: size)
            if let block = blocks.first { accumulate(block, into: destination, identityOrder: identityOrder) }
            return
        }
        if partialCapacity < blocks.count * size {
            partials.deallocate()
            partialCapacity = blocks.count * size
            partials = UnsafeMutablePointer<Double>.allocate(capacity: partialCapacity)
        }
        let partials = self.partials
        executor.forEach(blocks.count) { t in
            let h = partials + t * size
            h.initialize(repeating: 0, count: size)
            accumulate(blocks[t], into: h, identityOrder: identityOrder)
        }
        // Reduce in block order, one feature slice per task.
        let featureSize = layout.featureSize
        let blockCount = blocks.count
        executor.forEach(layout.featureCount) { f in
            let out = destination + f * featureSize
            out.update(from: partials + f * featureSize, count: featureSize)
            for t in 1..<blockCount {
                let src = partials + t * size + f * featureSize
                for k in 0..<featureSize { out[k] += src[k] }
            }
        }
    }

    /// Adds the rows of one block to `histogram`: per row, every channel's weight and a count
    /// of one go into the row's bin of every feature, as one contiguous run of slots added two
    /// doubles at a time.
    private func accumulate(_ block: Block, into histogram: UnsafeMutablePointer<Double>, identityOrder: Bool) {
        let group = groups[block.group]
        let nf = layout.featureCount
        let slots = layout.slotCount
        let featureSize = layout.featureSize
        let channels = group.channelCount
        let width = channels + 1
        let pairs = width / 2
        let codes = group.codes
        let indices = group.indices
        let weights = group.weights
        withUnsafeTemporaryAllocation(of: SIMD2<Double>.self, capacity: (width + 1) / 2) { buffer in
            let w = UnsafeMutableRawPointer(buffer.baseAddress!).assumingMemoryBound(to: Double.self)
            let v = buffer.baseAddress!
            w[channels] = 1  // the count
            for i in block.begin..<block.end {
                let row = identityOrder ? i : Int(indices[i])
                for k in 0..<channels { w[k] = weights[k][row] }
                let rowCodes = codes + row * nf
                var base = histogram + group.slotStart
                for f in 0..<nf {
                    let h = UnsafeMutableRawPointer(base + Int(rowCodes[f]) * slots)
                    for k in 0..<pairs {
                        let sum = h.loadUnaligned(fromByteOffset: 16 * k, as: SIMD2<Double>.self) + v[k]
                        h.storeBytes(of: sum, toByteOffset: 16 * k, as: SIMD2<Double>.self)
                    }
                    if width & 1 == 1 {
                        let last = h.assumingMemoryBound(to: Double.self) + (width - 1)
                        last.pointee += w[width - 1]
                    }
                    base += featureSize
                }
            }
        }
    }

    /// `larger = parent − smaller`, in place in `parent` (the subtraction trick: the larger
    /// child's histogram costs one pass over the bins instead of one over its rows).
    func subtract(_ smaller: UnsafePointer<Double>, from parent: UnsafeMutablePointer<Double>) {
        let featureSize = layout.featureSize
        executor.forEach(layout.featureCount) { f in
            let p = parent + f * featureSize
            let s = smaller + f * featureSize
            for k in 0..<featureSize { p[k] -= s[k] }
        }
    }
}
