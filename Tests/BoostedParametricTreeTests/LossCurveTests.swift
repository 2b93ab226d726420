import XCTest
import BoostedParametricTree

/// The loss curves of eqs. (C.12)/(C.31) recorded after every tree, checked against an
/// independent evaluation through the model's own prediction on raw features.
final class LossCurveTests: XCTestCase {
    struct Mixed {
        let problem: ParametricProblem
        let data: BPTTrainingData
        let nominalX: [Double], nominalW: [Double]
        /// Per base point: nil (reweighted, weights on the nominal events) or own x.
        let ownX: [[Double]?]
        let weights: [[Double]]
        static let features = 3
    }

    /// A reweighted and an own-events base point, raw features kept for the check.
    static func mixed(seed: UInt64, events n: Int = 30_000) throws -> Mixed {
        var rng = SplitMix64(seed: seed)
        let nf = Mixed.features
        let x = (0..<(n * nf)).map { _ in rng.uniform(-1, 1) }
        let w0 = (0..<n).map { _ in rng.uniform(0.5, 1.5) }
        let own = (0..<(n * nf)).map { _ in rng.uniform(-0.8, 1) }
        let problem = try ParametricProblem(parameterNames: ["a", "b"], termNames: [["a"], ["b"]],
                                            basePoints: [[1, 0], [0, 1]])
        let w1 = (0..<n).map { w0[$0] * exp(0.4 * x[$0 * nf] - 0.2 * x[$0 * nf + 1] * x[$0 * nf + 1]) }
        let w2 = (0..<n).map { _ in 1.1 }
        let data = try BPTTrainingData(nominalX: x, featureCount: nf, nominalWeights: w0,
                                       basePoints: [.reweighted(weights: w1), .sample(x: own, weights: w2)])
        return Mixed(problem: problem, data: data, nominalX: x, nominalW: w0, ownX: [nil, own], weights: [w1, w2])
    }

    /// L / Σ_ν (W₀ + W_ν) for a model on raw events: the definition, evaluated directly.
    static func loss(_ model: BPTModel, nominalX: [Double], nominalW: [Double], ownX: [[Double]?],
                     weights: [[Double]]) -> Double {
        let nf = Mixed.features
        func softplus(_ t: Double) -> Double { t > 0 ? t + log1p(exp(-t)) : log1p(exp(t)) }
        var total = 0.0, norm = 0.0
        for (v, nu) in model.basePoints.enumerated() {
            let t0 = model.predict(x: nominalX, count: nominalW.count, nu: nu)
            for i in t0.indices { total += nominalW[i] * softplus(t0[i]) }
            norm += nominalW.reduce(0, +) + weights[v].reduce(0, +)
            let x = ownX[v] ?? nominalX
            let t = model.predict(x: x, count: x.count / nf, nu: nu)
            for i in t.indices { total += weights[v][i] * softplus(-t[i]) }
        }
        return total / norm
    }

    func testCurvesEqualTheLossOfTheTruncatedModelOnRawEvents() throws {
        let toy = try Self.mixed(seed: 21)
        let split = try HeldOutSplit(fraction: 0.3, seed: 4)
        let nf = Mixed.features
        let model = try BPTTrainer(problem: toy.problem, settings: BPTSettings(trees: 12, minNodeSize: 200), threads: 2)
            .train(toy.data, holdingOut: split)
        let validation = try XCTUnwrap(model.validation)
        XCTAssertEqual(validation.split, split)
        XCTAssertEqual(validation.trainingLoss.count, 13)
        XCTAssertEqual(validation.selectedTrees, 12)
        XCTAssertEqual(validation.trainingLoss[0], log(2), accuracy: 1e-12, "T = 0: log 2 up to summation rounding")
        XCTAssertEqual(validation.heldOutLoss[0], log(2), accuracy: 1e-12)
        let (nomTrain, nomHeld) = split.split(rows: toy.nominalX, featureCount: nf)
        let (wTrain, wHeld) = split.split(toy.nominalW)
        let (ownTrain, ownHeld) = split.split(rows: toy.ownX[1]!, featureCount: nf)
        let w1 = split.split(toy.weights[0]), w2 = split.split(toy.weights[1])
        XCTAssertEqual(validation.heldOutEvents, [wHeld.count, wHeld.count, ownHeld.count / nf])
        for b in [0, 1, 5, 12] {
            let truncated = model.truncated(to: b)
            let heldOut = Self.loss(truncated, nominalX: nomHeld, nominalW: wHeld, ownX: [nil, ownHeld],
                                    weights: [w1.heldOut, w2.heldOut])
            let training = Self.loss(truncated, nominalX: nomTrain, nominalW: wTrain, ownX: [nil, ownTrain],
                                     weights: [w1.training, w2.training])
            XCTAssertEqual(validation.heldOutLoss[b], heldOut, accuracy: 1e-12 * heldOut, "held-out, \(b) trees")
            XCTAssertEqual(validation.trainingLoss[b], training, accuracy: 1e-12 * training, "training, \(b) trees")
        }
        // Boosting lowers the training loss at every tree (each tree minimizes it, eq. C.9).
        for b in 1...12 { XCTAssertLessThan(validation.trainingLoss[b], validation.trainingLoss[b - 1], "tree \(b)") }
    }

    /// Held-out events are only observed: the trees are those of the default path.
    func testHeldOutEventsDoNotChangeTheTrees() throws {
        let toy = try Self.mixed(seed: 22)
        let (training, heldOut) = toy.data.split(by: try HeldOutSplit(fraction: 0.2, seed: 1))
        let trainer = try BPTTrainer(problem: toy.problem, settings: BPTSettings(trees: 10, minNodeSize: 100), threads: 2)
        let plain = try trainer.train(training)
        let observed = try trainer.train(training, heldOut: heldOut)
        XCTAssertEqual(observed.trees, plain.trees)
        XCTAssertNil(plain.validation)
        XCTAssertNotNil(observed.validation)
        XCTAssertFalse(String(decoding: plain.encoded(), as: UTF8.self).contains("validation"))
    }

    func testOptionsNeedHeldOutEventsOfTheSameStructure() throws {
        let toy = try Self.mixed(seed: 23, events: 4_000)
        for settings in [BPTSettings(trees: 3, earlyStoppingPatience: 5), BPTSettings(trees: 3, heldOutNormalization: true)] {
            XCTAssertThrowsError(try BPTTrainer(problem: toy.problem, settings: settings).train(toy.data)) { error in
                XCTAssertTrue(error.localizedDescription.contains("needs held-out events"), error.localizedDescription)
            }
        }
        let (training, heldOut) = toy.data.split(by: try HeldOutSplit(fraction: 0.5, seed: 2))
        var swapped = heldOut
        swapped.basePoints.reverse()
        XCTAssertThrowsError(try BPTTrainer(problem: toy.problem, settings: BPTSettings(trees: 2))
            .train(training, heldOut: swapped)) { error in
            XCTAssertTrue(error.localizedDescription.contains("held-out base point 0"), error.localizedDescription)
        }
        let otherBinner = try BPTTrainingData(nominalX: (0..<(300 * 3)).map { Double($0 % 7) }, featureCount: 3,
                                              basePoints: [.reweighted(weights: .init(repeating: 1, count: 300)),
                                                           .sample(x: [1, 2, 3], weights: nil)])
        XCTAssertThrowsError(try BPTTrainer(problem: toy.problem, settings: BPTSettings(trees: 2))
            .train(training, heldOut: otherBinner)) { error in
            XCTAssertTrue(error.localizedDescription.contains("FeatureBinner"), error.localizedDescription)
        }
    }

    func testValidationRecordRoundTripsAndSettingsOmitOptionsThatAreOff() throws {
        let toy = try Self.mixed(seed: 24, events: 8_000)
        let settings = BPTSettings(trees: 30, minNodeSize: 100, earlyStoppingPatience: 3, heldOutNormalization: true)
        let model = try BPTTrainer(problem: toy.problem, settings: settings, threads: 1)
            .train(toy.data, holdingOut: try HeldOutSplit(fraction: 0.5, seed: 0xFFFF_FFFF_FFFF_FFF1))
        let bytes = model.encoded()
        let loaded = try BPTModel(decoding: bytes)
        XCTAssertEqual(loaded, model)
        XCTAssertEqual(loaded.encoded(), bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.contains("\"earlyStoppingPatience\":3"), text.prefix(300).description)
        XCTAssertTrue(text.contains("\"heldOutNormalization\":true"))
        let plain = String(decoding: try JSONEncoder().encode(BPTSettings()), as: UTF8.self)
        XCTAssertFalse(plain.contains("earlyStopping") || plain.contains("heldOut"), plain)
        // A record that disagrees with the trees is refused.
        let broken = text.replacingOccurrences(of: "\"selectedTrees\":\(model.validation!.selectedTrees)",
                                               with: "\"selectedTrees\":\(model.validation!.selectedTrees + 1)")
        XCTAssertThrowsError(try BPTModel(decoding: Array(broken.utf8))) { error in
            XCTAssertTrue(error.localizedDescription.contains("selectedTrees"), error.localizedDescription)
        }
    }
}
