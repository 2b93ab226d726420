import BoostedParametricTree
import Charts
import Foundation

/// The nominal side of a closure check, binned once per `train` run: every systematic's
/// closure bins the same nominal events (all of them, or the training and held-out parts of
/// the workspace's split) in the same 14 observables, with edges from those events alone.
/// Re-binning them for each of seven surrogates was most of the closure's time at paper scale.
struct ClosureNominalPart: Sendable {
    /// One observable: its edges (``ClosureCheck/binEdges(_:bins:)``), each event's bin
    /// (−1 outside the edges), the nominal histogram, and which bins are populated enough to be
    /// judged (``ClosureReport/minimumEvents``).
    struct Observable: Sendable {
        let edges: [Double]
        let bins: [Int8]
        let nominal: Histogram1D
        let populated: [Bool]
    }

    /// The nominal rows of this part, nil for every event.
    let rows: [Int]?
    /// The part's nominal weights, in row order.
    let w: [Double]
    let total: Double
    let observables: [Observable]

    /// Bins the rows `rows` (nil: all) of row-major `x` (`width` observables per event).
    init(x: [Double], w: [Double], width: Int, rows: [Int]?, bins: Int = 20, threads: Int) {
        precondition(bins <= Int(Int8.max), "bin indices are kept as Int8")
        self.rows = rows
        let w = Self.gathered(w, rows: rows)
        self.w = w
        total = w.reduce(0, +)
        // Observables are independent: binned concurrently, each into its own entry.
        observables = ParallelExecutor(threads: threads).map(width) { f in
            let column = ClosureNominalPart.column(f, of: x, width: width, rows: rows)
            let edges = ClosureCheck.binEdges(column, bins: bins)
            var nominal = Histogram1D(edges: edges)
            let indices = column.map { Int8(nominal.bin(of: $0) ?? -1) }
            nominal.fill(bins: indices, weights: w)
            var counts = [Int](repeating: 0, count: bins)
            for b in indices where b >= 0 { counts[Int(b)] += 1 }
            return Observable(edges: edges, bins: indices, nominal: nominal,
                              populated: counts.map { $0 >= ClosureReport.minimumEvents })
        }
    }

    /// Observable `f` of the rows `rows` (nil: all) of row-major `x`.
    static func column(_ f: Int, of x: [Double], width: Int, rows: [Int]?) -> [Double] {
        rows.map { $0.map { x[$0 * width + f] } } ?? (0..<(x.count / width)).map { x[$0 * width + f] }
    }

    /// The part's values of a per-event array of the nominal events.
    func values(_ all: [Double]) -> [Double] { Self.gathered(all, rows: rows) }

    /// `values` at `rows` (nil: all of them, uncopied).
    static func gathered(_ values: [Double], rows: [Int]?) -> [Double] {
        rows.map { HeldOutSplit.gather(rows: values, featureCount: 1, $0) } ?? values
    }
}

/// The binned nominal parts of one nominal sample, shared by the systematics of a run
/// (``NominalEvents`` carries one; its copies share it).
final class ClosureNominalBins: @unchecked Sendable {
    /// Which events of the nominal a part holds.
    enum Part: Hashable {
        case all
        case training(HeldOutSplit)
        case heldOut(HeldOutSplit)
    }

    private var parts: [Part: ClosureNominalPart] = [:]
    private let lock = NSLock()

    /// The part of `nominal`, binned on first use. Its rows follow from the part itself:
    /// the split's partition of the nominal's event indices, as the trainer split them.
    func part(_ part: Part, of nominal: NominalEvents, threads: Int) -> ClosureNominalPart {
        lock.lock()
        defer { lock.unlock() }
        if let cached = parts[part] { return cached }
        let rows: [Int]?
        switch part {
        case .all: rows = nil
        case .training(let split): rows = split.partition(count: nominal.w.count).training
        case .heldOut(let split): rows = split.partition(count: nominal.w.count).heldOut
        }
        let binned = ClosureNominalPart(x: nominal.x, w: nominal.w, width: nominal.width, rows: rows, threads: threads)
        parts[part] = binned
        return binned
    }
}
