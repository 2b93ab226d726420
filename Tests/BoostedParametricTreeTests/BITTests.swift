import XCTest
import BoostedParametricTree

/// The Boosted Information Tree for the SMEFT surrogate R̂(x|θ) (eq. 67, section 7.1).
final class BITTests: XCTestCase {
    /// Analytic quadratic truth in two POIs over x ∈ [−1, 1]²:
    /// R_1 = 0.4 x₀, R_2 = 0.3 x₀ x₁ + 0.1, R_11 = 0.04 (1 + x₀)², R_12 = 0.1 x₁, R_22 = 0.05 (1 + x₁²).
    static func truth(_ x0: Double, _ x1: Double) -> [Double] {
        [0.4 * x0, 0.3 * x0 * x1 + 0.1, 0.04 * (1 + x0) * (1 + x0), 0.1 * x1, 0.05 * (1 + x1 * x1)]
    }

    static func ratio(_ r: [Double], theta t: [Double]) -> Double {
        1 + t[0] * r[0] + t[1] * r[1] + t[0] * t[0] * r[2] + t[0] * t[1] * r[3] + t[1] * t[1] * r[4]
    }

    /// Events uniform in x; per-event coefficients scatter ±10% around the truth (like the
    /// latent-configuration dependence of appendix A), so the BIT must learn their weighted
    /// mean per region of x.
    static func quadraticData(events n: Int, seed: UInt64) throws -> BITTrainingData {
        var rng = SplitMix64(seed: seed)
        var x: [Double] = [], r: [Double] = [], w: [Double] = []
        for _ in 0..<n {
            let x0 = rng.uniform(-1, 1), x1 = rng.uniform(-1, 1)
            x += [x0, x1]
            w.append(rng.uniform(0.5, 1.5))
            r += truth(x0, x1).map { $0 * (1 + 0.1 * rng.uniform(-1, 1)) }
        }
        return try BITTrainingData(x: x, featureCount: 2, weights: w, coefficients: r, outputCount: 5)
    }

    func testAnalyticQuadraticTruthWithinTwoPercentWithSection71Settings() throws {
        let data = try Self.quadraticData(events: 100_000, seed: 3)
        let model = try BITTrainer(poiNames: ["cA", "cB"], settings: BITSettings(), threads: 2).train(consume data)
        XCTAssertEqual(model.trees.count, 300)
        let grid = (0..<40).map { -0.9 + 1.8 * (Double($0) + 0.5) / 40 }
        let x = grid.flatMap { a in grid.flatMap { b in [a, b] } }
        var worst = 0.0
        for theta in [[1.0, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, 1]] {
            let predicted = model.predict(x: x, count: x.count / 2, theta: theta)
            for i in predicted.indices {
                let exact = Self.ratio(Self.truth(x[2 * i], x[2 * i + 1]), theta: theta)
                worst = max(worst, abs(predicted[i] / exact - 1))
            }
        }
        print("BIT analytic toy: worst |R̂/R − 1| = \(worst) over [−0.9, 0.9]²")
        XCTAssertLessThan(worst, 0.02)
    }

    /// Data consistent with the ansatz, with a tree that can isolate every cell: a single tree
    /// with η = 1 predicts exactly the per-leaf ratio of sums Σ w r_A / Σ w, and 300 trees with
    /// η = 0.2 converge to it (the residual shrinks by 1 − η per tree).
    func testLeafValuesAreExactlyTheRatioOfSumsOnAnsatzConsistentData() throws {
        var rng = SplitMix64(seed: 8)
        let n = 4_000, k = 5
        var x: [Double] = [], w: [Double] = [], r: [Double] = []
        for i in 0..<n {
            let cell = i % 4
            x.append(Double(cell))
            w.append(rng.uniform(0.1, 2))
            // Coefficients differ per event, their cell means differ per cell.
            r += (0..<k).map { a in Double(cell + 1) * 0.1 * Double(a + 1) * (cell == 2 ? -1 : 1) + rng.uniform(-0.05, 0.05) }
        }
        var sums = [[Double]](repeating: [Double](repeating: 0, count: k + 1), count: 4)
        for i in 0..<n {
            sums[i % 4][0] += w[i]
            for a in 0..<k { sums[i % 4][1 + a] += w[i] * r[i * k + a] }
        }
        let expected = sums.map { s in (0..<k).map { s[1 + $0] / s[0] } }
        for (trees, eta, tolerance) in [(1, 1.0, 1e-14), (300, 0.2, 1e-12)] {
            let data = try BITTrainingData(x: x, featureCount: 1, weights: w, coefficients: r, outputCount: k)
            let model = try BITTrainer(poiNames: ["a", "b"],
                                       settings: BITSettings(trees: trees, learningRate: eta, maxDepth: 3, minNodeSize: 10),
                                       threads: 2).train(consume data)
            XCTAssertEqual(model.trees[0].leafCount, 4, "depth 3 isolates the four cells, no more")
            let predicted = model.coefficients(x: [0, 1, 2, 3], count: 4)
            for cell in 0..<4 {
                for a in 0..<k {
                    XCTAssertEqual(predicted[cell * k + a], expected[cell][a],
                                   accuracy: tolerance * abs(expected[cell][a]), "B=\(trees), cell \(cell), output \(a)")
                }
            }
        }
    }

    func testOneTwoAndThreeThreadsGiveBitIdenticalModels() throws {
        var encodings: [[UInt8]] = []
        for threads in [1, 2, 3] {
            var rng = SplitMix64(seed: 12)
            let n = 30_000, nf = 3, k = BITTrainer.outputCount(poiCount: 3)
            let x = (0..<(n * nf)).map { _ in rng.uniform(-1, 1) }
            let r = (0..<(n * k)).map { i in x[(i / k) * nf + (i % nf)] * Double(i % k + 1) * 0.01 + rng.uniform(-0.01, 0.01) }
            let data = try BITTrainingData(x: x, featureCount: nf, coefficients: r, outputCount: k)
            let model = try BITTrainer(poiNames: ["a", "b", "c"], settings: BITSettings(trees: 15), threads: threads)
                .train(consume data)
            encodings.append(model.encoded())
        }
        XCTAssertEqual(encodings[0], encodings[1])
        XCTAssertEqual(encodings[0], encodings[2])
    }

    func testSaveLoadPredictIsBitIdenticalAndOtherVersionsAreRefused() throws {
        let data = try Self.quadraticData(events: 20_000, seed: 5)
        let model = try BITTrainer(poiNames: ["cA", "cB"], settings: BITSettings(trees: 25), threads: 2).train(consume data)
        let bytes = model.encoded()
        let loaded = try BITModel(decoding: bytes)
        XCTAssertEqual(loaded, model)
        XCTAssertEqual(loaded.encoded(), bytes)
        var rng = SplitMix64(seed: 6)
        let x = (0..<2_000).map { _ in rng.uniform(-1.2, 1.2) }
        for theta in [[1.0, 0], [0.3, -2], [-1.5, 0.7]] {
            XCTAssertEqual(model.predict(x: x, count: 1_000, theta: theta).map(\.bitPattern),
                           loaded.predict(x: x, count: 1_000, theta: theta, threads: 2).map(\.bitPattern))
        }
        XCTAssertEqual(model.coefficients(x: x, count: 1_000).map(\.bitPattern),
                       loaded.coefficients(x: x, count: 1_000, threads: 3).map(\.bitPattern))
        let text = String(decoding: bytes, as: UTF8.self)
        XCTAssertTrue(text.contains("\"format\":\"refinery-bit\""))
        let future = Array(text.replacingOccurrences(of: "\"version\":1", with: "\"version\":2").utf8)
        XCTAssertThrowsError(try BITModel(decoding: future)) { error in
            XCTAssertEqual(error as? BPTError, .unsupportedModelVersion(found: 2, supported: 1))
        }
        let bpt = Array(text.replacingOccurrences(of: "refinery-bit", with: "refinery-bpt").utf8)
        XCTAssertThrowsError(try BITModel(decoding: bpt)) { error in
            XCTAssertTrue(error.localizedDescription.contains("'refinery-bpt'"), error.localizedDescription)
        }
    }

    func testFivePOIsHaveTwentyOutputsInSmeftColumnOrderAndBadInputIsRefused() throws {
        let model = BITModel(settings: BITSettings(), poiNames: ["ctGRe", "ctGIm", "cQj18", "cQj38", "ctj8"],
                             featureCount: 1, trees: [])
        XCTAssertEqual(model.outputCount, 20)
        XCTAssertEqual(Array(model.outputNames[5...9]),
                       ["ctGRe*ctGRe", "ctGRe*ctGIm", "ctGRe*cQj18", "ctGRe*cQj38", "ctGRe*ctj8"])
        XCTAssertEqual(model.outputNames.last, "ctj8*ctj8")
        XCTAssertEqual(model.outputValues(theta: [1, 2, 0, 0, 3])[6], 2, "θ_ctGRe θ_ctGIm")
        let short = try BITTrainingData(x: (0..<100).map(Double.init), featureCount: 1,
                                        coefficients: [Double](repeating: 0, count: 99 * 20), outputCount: 20)
        XCTAssertThrowsError(try BITTrainer(poiNames: model.poiNames).train(short)) { error in
            XCTAssertTrue(error.localizedDescription.contains("SMEFT coefficient array"), error.localizedDescription)
        }
        XCTAssertThrowsError(try BITTrainer(poiNames: ["a", "a"])) { error in
            XCTAssertTrue(error.localizedDescription.contains("twice"), error.localizedDescription)
        }
    }
}
