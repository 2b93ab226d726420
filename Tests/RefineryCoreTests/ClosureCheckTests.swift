import BoostedParametricTree
import XCTest
@testable import RefineryCore

/// Closure with a held-out split bins the nominal side of each part once per run and predicts
/// every nominal event once for both parts. Its report must be exactly the closure of each part
/// computed on its own, from the part's gathered events (the definition, docs/closure.md).
final class ClosureCheckTests: XCTestCase {
    func testSplitClosureEqualsTheClosureOfEachGatheredPart() throws {
        let width = 3, n = 6000, own = 5000
        var state: UInt64 = 11
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53
        }
        let x = (0..<(n * width)).map { _ in 2 * uniform() - 1 }
        let w = (0..<n).map { _ in 0.5 + uniform() }
        // Base point −1 reweights the nominal events; base point +1 has its own events.
        let reweighted = (0..<n).map { w[$0] * exp(-0.2 * x[$0 * width]) }
        let ownX = (0..<(own * width)).map { i in 2 * uniform() - 1 + (i % width == 0 ? 0.1 : 0) }
        let ownW = (0..<own).map { _ in 0.5 + uniform() }
        let problem = try ParametricProblem(parameterNames: ["nu"], termNames: [["nu"]], basePoints: [[-1], [1]])
        let model = try BPTTrainer(problem: problem, settings: BPTSettings(trees: 5), threads: 2).train(
            BPTTrainingData(nominalX: x, featureCount: width, nominalWeights: w,
                            basePoints: [.reweighted(weights: reweighted), .sample(x: ownX, weights: ownW)]))
        let names = ["a", "b", "c"], units = ["", "", ""]
        let nominal = NominalEvents(x: x, w: w, width: width, names: names, units: units, seed: 1, events: Array(0..<n))
        let samples = [ClosureCheck.Sample(x: nil, w: reweighted), ClosureCheck.Sample(x: ownX, w: ownW)]
        let split = try HeldOutSplit(fraction: 0.3, seed: 9)
        let report = ClosureCheck.run(systematic: "toy", model: model, nominal: nominal, basePoints: [[-1], [1]],
                                      samples: samples, heldOut: split, threads: 2)

        let nominalParts = split.partition(count: n), ownParts = split.partition(count: own)
        func gathered(_ rows: [Int], _ ownRows: [Int]) -> ClosureReport {
            ClosureCheck.run(systematic: "toy", model: model, nominalX: HeldOutSplit.gather(rows: x, featureCount: width, rows),
                             nominalW: rows.map { w[$0] }, names: names, basePoints: [[-1], [1]],
                             samples: [.init(x: nil, w: rows.map { reweighted[$0] }),
                                       .init(x: HeldOutSplit.gather(rows: ownX, featureCount: width, ownRows),
                                             w: ownRows.map { ownW[$0] })],
                             threads: 1)
        }
        let training = gathered(nominalParts.training, ownParts.training)
        let heldOut = gathered(nominalParts.heldOut, ownParts.heldOut)
        XCTAssertEqual(report.basePoints, training.basePoints)
        XCTAssertEqual(report.ratios, training.ratios)
        XCTAssertEqual(report.heldOut?.basePoints, heldOut.basePoints)
        XCTAssertEqual(report.heldOut?.ratios, heldOut.ratios)
        XCTAssertNotEqual(report.ratios, report.heldOut?.ratios, "the parts are different events")

        // A second systematic on the same nominal (its parts now binned) closes the same way.
        let again = ClosureCheck.run(systematic: "toy", model: model, nominal: nominal, basePoints: [[-1], [1]],
                                     samples: samples, heldOut: split, threads: 1)
        XCTAssertEqual(again, report)
    }
}
