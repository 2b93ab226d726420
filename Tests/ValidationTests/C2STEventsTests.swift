import BoostedParametricTree
import RefineryCore
import Validation
import XCTest

/// Which events enter the two classes of the test (docs/validation.md, "Which events").
final class C2STEventsTests: XCTestCase {
    /// A recalibrated D_ν (JES-like): nominal events 0..<n of which every third is not
    /// fiducial; the variation drops some fiducial events and brings in some non-fiducial ones.
    /// Each row's x is its event index, so the selected rows say which events they are.
    func testRecalibratedEventsNeverMeetTheirTwinAcrossTheClassesAndAreHeldOut() throws {
        let n = 30_000
        let fiducial = (0..<n).map { $0 % 3 != 0 }
        let nominalEvents = (0..<n).filter { fiducial[$0] }
        let variedEvents = (0..<n).filter { fiducial[$0] ? $0 % 7 != 0 : $0 % 5 == 0 }
        let nominal = try WeightedSample(x: nominalEvents.map(Double.init), w: nominalEvents.map { _ in 1 }, featureCount: 1)
        let own = try WeightedSample(x: variedEvents.map(Double.init), w: variedEvents.map { _ in 1 }, featureCount: 1)
        let split = try HeldOutSplit(fraction: 0.4, seed: 99)
        let (reference, varied) = try C2STEvents.samples(nominal: nominal, nominalEvents: nominalEvents,
                                                         varied: .recalibrated(own, events: variedEvents), split: split, seed: 5)
        let sm = Set(reference.x.map { Int($0) }), other = Set(varied.x.map { Int($0) })
        XCTAssertTrue(sm.isDisjoint(with: other), "an event is in both classes")
        // Held out as the trainer held them out: the nominal by fiducial row, D_ν by its own row.
        let heldNominal = Set(split.partition(count: nominal.count).heldOut.map { nominalEvents[$0] })
        let heldVaried = Set(split.partition(count: own.count).heldOut.map { variedEvents[$0] })
        XCTAssertTrue(sm.isSubset(of: heldNominal))
        XCTAssertTrue(other.isSubset(of: heldVaried))
        // About half of the held-out events in each class, and migrated-in events are used.
        XCTAssertEqual(Double(sm.count) / Double(heldNominal.count), 0.5, accuracy: 0.03)
        XCTAssertEqual(Double(other.count) / Double(heldVaried.count), 0.5, accuracy: 0.03)
        XCTAssertTrue(other.contains { !fiducial[$0] })
    }

    func testMismatchedEventColumnIsAShapeError() throws {
        let nominal = try WeightedSample(x: [0, 1, 2], w: [1, 1, 1], featureCount: 1)
        let own = try WeightedSample(x: [0, 1], w: [1, 1], featureCount: 1)
        XCTAssertThrowsError(try C2STEvents.samples(nominal: nominal, nominalEvents: [0, 1, 2],
                                                    varied: .recalibrated(own, events: [0]), split: try HeldOutSplit(fraction: 0.5, seed: 1),
                                                    seed: 1)) {
            XCTAssertTrue($0.localizedDescription.contains("2 rows and 1 event indices"), $0.localizedDescription)
        }
    }
}
