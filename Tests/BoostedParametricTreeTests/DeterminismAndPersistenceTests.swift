import XCTest
import BoostedParametricTree

/// Thread-count independence and bit-exact save/load.
final class DeterminismAndPersistenceTests: XCTestCase {
    /// Several features, a reweighted and an own-events base point, enough rows for several
    /// histogram blocks per node (blocks are ≥ 8192 rows).
    static func mixedData(seed: UInt64) throws -> (BPTTrainingData, ParametricProblem, [Double]) {
        var rng = SplitMix64(seed: seed)
        let n = 40_000, nf = 4
        let x = (0..<(n * nf)).map { _ in rng.uniform(-1, 1) }
        let problem = try ParametricProblem(parameterNames: ["a", "b"], termNames: [["a"], ["b"], ["a", "b"]],
                                            basePoints: [[1, 0], [0, 1], [1, 1]])
        func weight(_ i: Int, _ nu: [Double]) -> Double {
            exp(nu[0] * 0.3 * x[i * nf] + nu[1] * 0.2 * x[i * nf + 1] * x[i * nf + 2] + 0.1 * nu[0] * nu[1])
        }
        // Base point 1 has its own events: a shifted copy of the nominal features.
        let own = (0..<(n * nf)).map { _ in rng.uniform(-0.9, 1) }
        let inputs: [BasePointInput] = [
            .reweighted(weights: (0..<n).map { weight($0, [1, 0]) }),
            .sample(x: own, weights: nil),
            .reweighted(weights: (0..<n).map { weight($0, [1, 1]) }),
        ]
        let data = try BPTTrainingData(nominalX: x, featureCount: nf, basePoints: inputs)
        return (data, problem, x)
    }

    func testOneTwoAndThreeThreadsGiveBitIdenticalModels() throws {
        var encodings: [[UInt8]] = []
        for threads in [1, 2, 3] {
            let (data, problem, _) = try Self.mixedData(seed: 5)
            let trainer = try BPTTrainer(problem: problem, settings: BPTSettings(trees: 15, maxDepth: 4, minNodeSize: 50),
                                         threads: threads)
            encodings.append(try trainer.train(consume data).encoded())
        }
        XCTAssertEqual(encodings[0], encodings[1])
        XCTAssertEqual(encodings[0], encodings[2])
    }

    /// The closure check predicts every base point in one pass through the trees: each ν's
    /// T(x|ν) is the bits the one-ν prediction gives, for 1 and 2 threads.
    func testPredictionAtSeveralPointsIsEachPointsOwnPrediction() throws {
        let (data, problem, x) = try Self.mixedData(seed: 9)
        let model = try BPTTrainer(problem: problem, settings: BPTSettings(trees: 12, maxDepth: 3, minNodeSize: 50),
                                   threads: 2).train(consume data)
        let n = x.count / 4
        let nus: [[Double]] = [[1, 0], [0, 1], [1, 1], [-0.5, 2]]
        for threads in [1, 2] {
            let together = model.predict(x: x, count: n, nus: nus, threads: threads)
            XCTAssertEqual(together.count, nus.count)
            for (k, nu) in nus.enumerated() {
                XCTAssertEqual(together[k], model.predict(x: x, count: n, nu: nu, threads: 1), "ν = \(nu), \(threads) threads")
            }
        }
        XCTAssertEqual(model.predict(x: x, count: n, nus: [], threads: 2), [])
        // Independently: T(x|ν) = Σ_A ν_A Δ_A(x) from the summed leaf coefficients (eq. 57).
        let delta = model.coefficients(x: x, count: n, threads: 1), together = model.predict(x: x, count: n, nus: nus, threads: 2)
        for (k, nu) in nus.enumerated() {
            let values = [nu[0], nu[1], nu[0] * nu[1]]
            for i in stride(from: 0, to: n, by: 97) {
                let t = (0..<3).reduce(0.0) { $0 + values[$1] * delta[i * 3 + $1] }
                XCTAssertEqual(together[k][i], t, accuracy: 1e-12)
            }
        }
    }

    func testSaveLoadPredictIsBitIdentical() throws {
        let (data, problem, x) = try Self.mixedData(seed: 6)
        let model = try BPTTrainer(problem: problem, settings: BPTSettings(trees: 20), threads: 2).train(consume data)
        let bytes = model.encoded()
        let loaded = try BPTModel(decoding: bytes)
        XCTAssertEqual(loaded, model)
        XCTAssertEqual(loaded.encoded(), bytes)
        let count = x.count / 4
        for nu in [[1.0, 0.0], [0.3, -0.7], [2.0, 1.5]] {
            let a = model.predict(x: x, count: count, nu: nu)
            let b = loaded.predict(x: x, count: count, nu: nu, threads: 2)
            XCTAssertEqual(a.map(\.bitPattern), b.map(\.bitPattern))
        }
        XCTAssertEqual(model.coefficients(x: x, count: count).map(\.bitPattern),
                       loaded.coefficients(x: x, count: count, threads: 3).map(\.bitPattern))
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.contains("\"format\":\"refinery-bpt\""))
        XCTAssertTrue(text.contains("\"version\":1"))
    }

    func testUnknownVersionAndWrongFormatAreRefused() throws {
        let (data, problem, _) = try Self.mixedData(seed: 7)
        let model = try BPTTrainer(problem: problem, settings: BPTSettings(trees: 2), threads: 1).train(consume data)
        let text = String(decoding: model.encoded(), as: UTF8.self)
        let future = Array(text.replacingOccurrences(of: "\"version\":1", with: "\"version\":2").utf8)
        XCTAssertThrowsError(try BPTModel(decoding: future)) { error in
            XCTAssertEqual(error as? BPTError, .unsupportedModelVersion(found: 2, supported: 1))
            XCTAssertTrue(error.localizedDescription.contains("version 2"), error.localizedDescription)
        }
        let other = Array(text.replacingOccurrences(of: "refinery-bpt", with: "xgboost").utf8)
        XCTAssertThrowsError(try BPTModel(decoding: other)) { error in
            XCTAssertTrue(error.localizedDescription.contains("'xgboost'"), error.localizedDescription)
        }
        let broken = Array(text.replacingOccurrences(of: "\"featureCount\":4", with: "\"featureCount\":1").utf8)
        XCTAssertThrowsError(try BPTModel(decoding: broken)) { error in
            XCTAssertTrue(error.localizedDescription.contains("feature"), error.localizedDescription)
        }
    }

    /// Prediction on raw x must route every training event to the leaf its bin codes reached:
    /// then the trainer's boosted weights equal w · exp(−T(x|ν)) event by event (eq. C.13 summed
    /// over trees). Feature 0 has a heavy point mass at exactly 0, which becomes a bin edge, so
    /// events lie exactly on thresholds.
    func testPredictionOnTrainingEventsReproducesBoostedWeights() throws {
        var rng = SplitMix64(seed: 8)
        let n = 20_000
        var x: [Double] = []
        for _ in 0..<n {
            x.append(rng.uniform() < 0.4 ? 0 : rng.uniform(-1, 1))
            x.append(rng.uniform(0, 3))
        }
        let problem = try ParametricProblem(parameterNames: ["a"], termNames: [["a"], ["a", "a"]], basePoints: [[1], [-1]])
        let original: [[Double]] = problem.basePoints.map { nu in
            (0..<n).map { exp(nu[0] * (x[2 * $0] > 0 ? 0.2 : -0.1) + nu[0] * nu[0] * 0.05 * x[2 * $0 + 1]) }
        }
        var data = try BPTTrainingData(nominalX: x, featureCount: 2, basePoints: original.map { .reweighted(weights: $0) })
        XCTAssertTrue(data.nominal.binner.edges[0].contains(0), "the point mass must sit on a bin edge")
        let model = try BPTTrainer(problem: problem, settings: BPTSettings(trees: 25, minNodeSize: 50), threads: 2)
            .train(updating: &data)
        XCTAssertTrue(model.trees.contains { $0.threshold.contains(0) }, "some split must sit on the point mass")
        for (v, nu) in problem.basePoints.enumerated() {
            let t = model.predict(x: x, count: n, nu: nu)
            for i in 0..<n {
                let expected = original[v][i] * exp(-t[i])
                XCTAssertEqual(data.basePoints[v].weights[i], expected, accuracy: 1e-12 * abs(expected))
            }
        }
    }
}
