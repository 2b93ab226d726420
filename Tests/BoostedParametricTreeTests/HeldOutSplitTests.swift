import XCTest
import BoostedParametricTree

/// The recorded held-out split: a pure function of (seed, event index).
final class HeldOutSplitTests: XCTestCase {
    /// Reference values from the numpy-free Python recipe in the type's documentation.
    func testVariatesMatchTheDocumentedRecipe() throws {
        let expected: [(UInt64, [Double])] = [
            (0, [0.8833108082136426, 0.43152799704850997, 0.026433771592597743, 0.1164338274773129]),
            (12345, [0.1330796686614273, 0.20481663336165912, 0.11954258300911547, 0.22523261110607884]),
            (UInt64.max, [0.8939429202831845, 0.9125972035944532, 0.21948196289526756, 0.6427785224593323]),
        ]
        for (seed, values) in expected {
            let split = try HeldOutSplit(fraction: 0.25, seed: seed)
            XCTAssertEqual([0, 1, 2, 999_999].map(split.variate), values, "seed \(seed)")
        }
        let split = try HeldOutSplit(fraction: 0.25, seed: 12345)
        XCTAssertEqual((0..<40).filter(split.isHeldOut), [0, 1, 2, 3, 6, 10, 20, 22, 23, 24, 26, 27, 28, 29, 33, 35])
        XCTAssertEqual(split.partition(count: 100_000).heldOut.count, 25_063)
    }

    func testSplitIgnoresSampleSizeAndRoundTripsThroughJSON() throws {
        let split = try HeldOutSplit(fraction: 0.3, seed: UInt64.max - 7)
        let small = split.partition(count: 1_000)
        let large = split.partition(count: 5_000)
        XCTAssertEqual(small.heldOut, large.heldOut.filter { $0 < 1_000 }, "a prefix splits like the whole")
        XCTAssertEqual(Set(small.training).union(small.heldOut), Set(0..<1_000))
        let decoded = try JSONDecoder().decode(HeldOutSplit.self, from: JSONEncoder().encode(split))
        XCTAssertEqual(decoded, split, "a 64-bit seed survives JSON")
        for bad in [0.0, 1.0, -0.1, .nan] {
            XCTAssertThrowsError(try HeldOutSplit(fraction: bad, seed: 1)) { error in
                XCTAssertTrue(error.localizedDescription.contains("heldOutFraction"), error.localizedDescription)
            }
        }
    }

    /// Reweighted base points follow the nominal's event indices; own-event samples their own.
    func testTrainingDataSplitKeepsReweightedWeightsWithTheirEvents() throws {
        let n = 3_000
        let x = (0..<n).map(Double.init)
        let own = (0..<(n / 2)).map { 10_000 + Double($0) }
        let data = try BPTTrainingData(nominalX: x, featureCount: 1, nominalWeights: x.map { $0 + 0.5 },
                                       basePoints: [.reweighted(weights: x.map { 2 * $0 }),
                                                    .sample(x: own, weights: own.map { -$0 })])
        let split = try HeldOutSplit(fraction: 0.4, seed: 9)
        let (training, heldOut) = data.split(by: split)
        let (trainRows, heldRows) = split.partition(count: n)
        let (ownTrain, ownHeld) = split.partition(count: n / 2)
        XCTAssertEqual(training.nominal.count, trainRows.count)
        XCTAssertEqual(heldOut.nominalWeights, heldRows.map { Double($0) + 0.5 })
        XCTAssertEqual(heldOut.basePoints[0].weights, heldRows.map { 2 * Double($0) })
        XCTAssertEqual(training.basePoints[0].weights, trainRows.map { 2 * Double($0) })
        XCTAssertEqual(heldOut.basePoints[1].weights, ownHeld.map { -(10_000 + Double($0)) })
        XCTAssertEqual(training.basePoints[1].features?.count, ownTrain.count)
        // Codes travel with their events: the held-out nominal codes are those of its rows.
        XCTAssertEqual(heldOut.nominal.codes, heldRows.map { data.nominal.codes[$0] })
    }
}
