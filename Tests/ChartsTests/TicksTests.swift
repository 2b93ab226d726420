@testable import Charts
import XCTest

final class TicksTests: XCTestCase {
    /// Ratio panels span a few percent around 1; they get at least three labelled ticks.
    func testNarrowRangesGetAtLeastThreeTicks() {
        for (low, high) in [(0.955, 1.06), (0.93, 1.07), (0.96, 1.04), (0.99, 1.012), (-0.013, 0.021)] {
            let ticks = Ticks.linear(low, high, count: 5)
            XCTAssertGreaterThanOrEqual(ticks.count, 3, "[\(low), \(high)]: \(ticks)")
            XCTAssertLessThanOrEqual(ticks.count, 11, "[\(low), \(high)]: \(ticks)")
            for tick in ticks { XCTAssert(low - 1e-12 <= tick && tick <= high + 1e-12, "\(tick) outside [\(low), \(high)]") }
        }
        XCTAssertEqual(Ticks.linear(0.955, 1.06, count: 5).map(Ticks.label), ["0.96", "0.98", "1", "1.02", "1.04", "1.06"])
    }

    func testWideRangesKeepNiceSteps() {
        XCTAssertEqual(Ticks.linear(0, 1000, count: 5), [0, 200, 400, 600, 800, 1000])
        XCTAssertEqual(Ticks.linear(750, 2300, count: 5), [1000, 1500, 2000])
        XCTAssertEqual(Ticks.linear(-4, 4, count: 5), [-4, -2, 0, 2, 4])
        XCTAssertEqual([1000, 1500, 2e6, 0.005, 0.25].map(Ticks.label), ["1000", "1500", "2e+06", "0.005", "0.25"])
    }
}
