/// Order statistics without sorting: the closure's bin edges need two quantiles of each
/// observable, and sorting 10⁶ values per observable, part and systematic to read two of them
/// was a tenth of a paper-scale `train`.
enum OrderStatistics {
    /// The values at 0-based ranks `ranks` (ascending), each equal to `values.sorted()[rank]`.
    ///
    /// Quickselect with a median-of-three pivot, narrowing one range for the ranks in order;
    /// a range that does not shrink fast enough (adversarial input) is sorted instead, so the
    /// cost stays O(n log n) at worst and O(n) expected.
    static func values(atRanks ranks: [Int], of values: [Double]) -> [Double] {
        precondition(ranks == ranks.sorted() && ranks.allSatisfy { $0 >= 0 && $0 < values.count },
                     "ranks must be ascending and inside the values")
        var a = values
        var low = 0
        return a.withUnsafeMutableBufferPointer { a in
            ranks.map { rank in
                // Everything left of `low` is ≤ every value from `low` on (earlier selections).
                select(rank, in: a, low: low, high: a.count)
                low = rank
                return a[rank]
            }
        }
    }

    /// Moves the value of rank `k` to index k, smaller-or-equal values before it and
    /// greater-or-equal after, within `low..<high` (which must contain rank k).
    private static func select(_ k: Int, in a: UnsafeMutableBufferPointer<Double>, low: Int, high: Int) {
        var lo = low, hi = high - 1
        var budget = 2 * (Int.bitWidth - (hi - lo + 1).leadingZeroBitCount) + 8
        while lo < hi {
            if budget == 0 {
                var rest = UnsafeMutableBufferPointer(rebasing: a[lo...hi])
                rest.sort()
                return
            }
            budget -= 1
            // Median of three as the pivot value.
            let mid = lo + (hi - lo) / 2
            if a[mid] < a[lo] { a.swapAt(mid, lo) }
            if a[hi] < a[lo] { a.swapAt(hi, lo) }
            if a[hi] < a[mid] { a.swapAt(hi, mid) }
            let pivot = a[mid]
            // Hoare partition: afterwards a[lo...j] ≤ pivot ≤ a[i...hi], with j < i.
            var i = lo, j = hi
            while i <= j {
                while a[i] < pivot { i += 1 }
                while pivot < a[j] { j -= 1 }
                if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
            }
            if k <= j { hi = j } else if k >= i { lo = i } else { return }
        }
    }
}
