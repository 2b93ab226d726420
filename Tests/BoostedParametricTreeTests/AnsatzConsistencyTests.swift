import XCTest
import BoostedParametricTree

/// Data exactly consistent with the polynomial ansatz, σ_{jν} = exp(ν_A δ_A) σ_{j0} (appendix C.3):
/// the learner must reproduce δ_A.
final class AnsatzConsistencyTests: XCTestCase {
    /// δ_A per region of the discrete feature x0 ∈ {0, …, 7}: region 0 for x0 < 3, 1 for 3 ≤ x0 < 6, 2 above.
    static let delta: [[Double]] = [
        [0.30, -0.20, 0.05, 0.10, -0.08],
        [-0.15, 0.25, -0.04, 0.02, 0.12],
        [0.05, 0.10, 0.20, -0.10, 0.00],
    ]

    static func region(_ x0: Double) -> Int { x0 < 3 ? 0 : (x0 < 6 ? 1 : 2) }

    /// Nominal events with positive random weights and two features (x0 discrete, x1 continuous
    /// and irrelevant); base points are the nominal reweighted by exp(ν_A δ_A(x0)).
    static func data(events n: Int, delta: [[Double]], seed: UInt64) throws -> (BPTTrainingData, [Double]) {
        var rng = SplitMix64(seed: seed)
        var x: [Double] = []
        var w: [Double] = []
        for _ in 0..<n {
            x.append(Double(Int(rng.uniform() * 8)))
            x.append(rng.uniform())
            w.append(rng.uniform(0.5, 1.5))
        }
        let problem = try AnalyticToy.problem()
        let inputs: [BasePointInput] = problem.basePoints.map { nu in
            let values = problem.termValues(at: nu)
            return .reweighted(weights: (0..<n).map { i in
                let d = delta[region(x[2 * i])]
                return w[i] * exp(zip(values, d).map(*).reduce(0, +))
            })
        }
        return (try BPTTrainingData(nominalX: x, featureCount: 2, nominalWeights: w, basePoints: inputs), x)
    }

    func testLearnedCoefficientFunctionsEqualExactDelta() throws {
        let (data, _) = try Self.data(events: 20_000, delta: Self.delta, seed: 11)
        let trainer = try BPTTrainer(problem: AnalyticToy.problem(),
                                     settings: BPTSettings(trees: 100, maxDepth: 2, minNodeSize: 50), threads: 2)
        let model = try trainer.train(consume data)
        let probes: [Double] = (0..<8).flatMap { [Double($0), 0.5] }
        let coefficients = model.coefficients(x: probes, count: 8)
        for i in 0..<8 {
            let expected = Self.delta[Self.region(Double(i))]
            for a in 0..<5 {
                XCTAssertEqual(coefficients[i * 5 + a], expected[a], accuracy: 1e-5, "x0=\(i), term \(a)")
            }
        }
        XCTAssertEqual(model.splitCounts[1], 0, "the irrelevant continuous feature x1 must never be split on")
    }

    func testSingleTreeLeafCoefficientsEqualDeltaInConstantRegions() throws {
        // Two regions (x0 < 3 and x0 ≥ 3): a depth-1 tree must cut exactly between them and
        // each leaf's eq. (C.29) coefficients must be that region's δ_A.
        let twoRegions = [Self.delta[0], Self.delta[1], Self.delta[1]]
        let (data, _) = try Self.data(events: 20_000, delta: twoRegions, seed: 12)
        let trainer = try BPTTrainer(problem: AnalyticToy.problem(),
                                     settings: BPTSettings(trees: 1, maxDepth: 1, minNodeSize: 50), threads: 1)
        let model = try trainer.train(consume data)
        let tree = try XCTUnwrap(model.trees.first)
        XCTAssertEqual(tree.splitFeature, [0])
        XCTAssertEqual(tree.threshold, [2.5], "split between x0 = 2 and x0 = 3")
        XCTAssertEqual(tree.leafCount, 2)
        let leftLeaf = ~tree.left[0], rightLeaf = ~tree.right[0]
        for a in 0..<5 {
            XCTAssertEqual(tree.leafCoefficients[leftLeaf][a], Self.delta[0][a], accuracy: 1e-12)
            XCTAssertEqual(tree.leafCoefficients[rightLeaf][a], Self.delta[1][a], accuracy: 1e-12)
        }
    }

    func testConstantRatioGivesSingleLeafWithDeltaAndNoSplits() throws {
        let constant = [Self.delta[2], Self.delta[2], Self.delta[2]]
        let (data, _) = try Self.data(events: 5_000, delta: constant, seed: 13)
        let trainer = try BPTTrainer(problem: AnalyticToy.problem(),
                                     settings: BPTSettings(trees: 3, maxDepth: 4, minNodeSize: 50), threads: 2)
        var reported: [[Int]] = []
        let model = try trainer.train(consume data) { reported.append([$0, $1]) }
        XCTAssertEqual(reported, [[1, 3], [2, 3], [3, 3]], "progress after every tree")
        XCTAssertEqual(model.splitCounts, [0, 0], "no split can lower the loss when the ratio is constant")
        let first = model.trees[0].leafCoefficients[0]
        for a in 0..<5 { XCTAssertEqual(first[a], Self.delta[2][a], accuracy: 1e-12) }
        // After the first tree the base points are reweighted by exp(−η ν_A δ_A): the second tree
        // learns the remaining (1 − η) fraction.
        for a in 0..<5 {
            XCTAssertEqual(model.trees[1].leafCoefficients[0][a], 0.8 * Self.delta[2][a], accuracy: 1e-12)
        }
    }

    func testFeatureWithoutEffectIsNeverSplitOn() throws {
        // The ratio depends on x1 only (20 discrete values); x0 and x2 are continuous noise.
        var rng = SplitMix64(seed: 21)
        let n = 30_000
        var x: [Double] = []
        for _ in 0..<n {
            x.append(rng.uniform())
            x.append(Double(Int(rng.uniform() * 20)) / 20)
            x.append(rng.uniform(-5, 5))
        }
        let problem = try ParametricProblem(parameterNames: ["a"], termNames: [["a"], ["a", "a"]],
                                            basePoints: [[1], [-1], [2]])
        let inputs: [BasePointInput] = problem.basePoints.map { nu in
            .reweighted(weights: (0..<n).map { i in
                let x1 = x[3 * i + 1]
                return exp(nu[0] * sin(6 * x1) + nu[0] * nu[0] * 0.2 * x1)
            })
        }
        let data = try BPTTrainingData(nominalX: x, featureCount: 3, basePoints: inputs)
        let model = try BPTTrainer(problem: problem, settings: BPTSettings(trees: 60, maxDepth: 3, minNodeSize: 50),
                                   threads: 2).train(consume data)
        let counts = model.splitCounts
        XCTAssertGreaterThan(counts[1], 0)
        XCTAssertEqual(counts[0], 0, "x0 carries no effect")
        XCTAssertEqual(counts[2], 0, "x2 carries no effect")
    }
}
