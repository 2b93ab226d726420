import XCTest
import BoostedParametricTree

/// Early stopping on the held-out loss: the kept number of trees is the argmin of the recorded
/// held-out curve, the same for any thread count.
final class EarlyStoppingTests: XCTestCase {
    /// A small two-point toy (10⁴ training events per sample) with four noise features and
    /// small nodes: after a few trees have learned the real difference the trees fit the
    /// fluctuations of the training samples, so the held-out loss falls, reaches a minimum and
    /// rises again while the training loss keeps falling.
    static let settings = BPTSettings(trees: 120, learningRate: 0.2, maxDepth: 4, minNodeSize: 200)

    static func data() throws -> (BPTTrainingData, HeldOutSplit) {
        (try TwoPointToy.data(events: 20_000, features: 6, seed: 77), try HeldOutSplit(fraction: 0.5, seed: 78))
    }

    func testHeldOutLossHasAnInteriorMinimumThatEarlyStoppingKeeps() throws {
        let (data, split) = try Self.data()
        let full = try BPTTrainer(problem: TwoPointToy.problem(), settings: Self.settings, threads: 2)
            .train(data, holdingOut: split)
        let curve = try XCTUnwrap(full.validation).heldOutLoss
        let minimum = curve.min()!
        let argmin = curve.firstIndex(of: minimum)!
        print("held-out loss: start \(curve[0]), minimum \(minimum) after \(argmin) trees, end \(curve.last!); "
              + "training loss end \(full.validation!.trainingLoss.last!)")
        XCTAssertGreaterThan(argmin, 2, "the first trees learn the real difference")
        XCTAssertLessThan(argmin, 100, "the later trees fit noise")
        XCTAssertGreaterThan(curve.last! - minimum, 1e-3, "the held-out loss rises again (overfitting)")
        XCTAssertLessThan(full.validation!.trainingLoss.last!, full.validation!.trainingLoss[argmin])

        var encodings: [[UInt8]] = []
        for threads in [1, 2] {
            let patience = 15
            var settings = Self.settings
            settings.earlyStoppingPatience = patience
            let (data, split) = try Self.data()
            let model = try BPTTrainer(problem: TwoPointToy.problem(), settings: settings, threads: threads)
                .train(data, holdingOut: split)
            let v = try XCTUnwrap(model.validation)
            let recordedArgmin = v.heldOutLoss.firstIndex(of: v.heldOutLoss.min()!)!
            XCTAssertEqual(v.selectedTrees, recordedArgmin, "keeps the argmin of its recorded curve")
            XCTAssertEqual(model.trees.count, v.selectedTrees)
            XCTAssertEqual(v.heldOutLoss.count, min(Self.settings.trees, v.selectedTrees + patience) + 1,
                           "stops after `patience` trees without improvement")
            // The same trees as without early stopping, so the same curve up to where it stopped.
            XCTAssertEqual(v.heldOutLoss.map(\.bitPattern), curve.prefix(v.heldOutLoss.count).map(\.bitPattern))
            XCTAssertEqual(model.trees, Array(full.trees.prefix(v.selectedTrees)))
            if v.heldOutLoss.count < curve.count { XCTAssertEqual(v.selectedTrees, argmin) }
            encodings.append(model.encoded())
        }
        XCTAssertEqual(encodings[0], encodings[1], "1 and 2 threads: bit-identical models and curves")
    }
}
