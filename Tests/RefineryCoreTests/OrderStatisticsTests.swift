import XCTest
@testable import RefineryCore

/// The closure's bin edges come from two order statistics found by selection; each must be the
/// value that sorting gives at that rank, on any input shape, including those that make a naive
/// quickselect quadratic.
final class OrderStatisticsTests: XCTestCase {
    func testSelectedValuesAreTheSortedValuesAtThoseRanks() {
        var state: UInt64 = 3
        func random() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53
        }
        let n = 20001
        let shapes: [(String, [Double])] = [
            ("random", (0..<n).map { _ in random() }),
            ("few distinct values", (0..<n).map { _ in (random() * 4).rounded() }),
            ("all equal", [Double](repeating: 2.5, count: n)),
            ("ascending", (0..<n).map(Double.init)),
            ("descending", (0..<n).map { Double(n - $0) }),
            ("organ pipe", (0..<n).map { Double(min($0, n - $0)) }),
            ("one value", [7]),
            ("two values", [3, -1]),
        ]
        for (name, values) in shapes {
            let sorted = values.sorted()
            let m = values.count
            let ranks = [0, Int(0.01 * Double(m - 1)), m / 2, Int(0.99 * Double(m - 1)), m - 1].sorted()
            XCTAssertEqual(OrderStatistics.values(atRanks: ranks, of: values), ranks.map { sorted[$0] }, name)
        }
    }

    func testBinEdgesSpanTheOneAndNinetyNinePercentQuantiles() {
        let values = (0..<1001).map { Double(($0 * 7919) % 1001) }  // 0…1000, shuffled
        let edges = ClosureCheck.binEdges(values, bins: 20)
        XCTAssertEqual(edges.first, 10)
        XCTAssertEqual(edges.last, 990)
        XCTAssertEqual(edges.count, 21)
        // A column with one value: the edges span it and one unit above.
        XCTAssertEqual(ClosureCheck.binEdges([4, 4, 4], bins: 2), [4, 4.5, 5])
    }
}
