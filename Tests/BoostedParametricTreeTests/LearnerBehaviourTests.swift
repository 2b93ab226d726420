import XCTest
@testable import BoostedParametricTree

/// Binning, node validity with negative weights, and the settings table.
final class LearnerBehaviourTests: XCTestCase {
    func testBinCodeIsNumberOfEdgesBelowAndThresholdRoutesTheSame() throws {
        let x: [Double] = [3, 1, 2, 2, 5, 1, 4]
        let binner = try FeatureBinner(fitting: x, featureCount: 1)
        XCTAssertEqual(binner.edges[0], [1.5, 2.5, 3.5, 4.5], "few distinct values: one bin per value")
        for value in [0.0, 1, 1.5, 1.6, 2.5, 4.5, 9] {
            let code = Int(binner.code(value, feature: 0))
            XCTAssertEqual(code, binner.edges[0].filter { $0 < value }.count)
            for b in 0..<binner.edges[0].count {
                XCTAssertEqual(code <= b, value <= binner.edges[0][b], "x=\(value) bin \(b)")
            }
        }
        let continuous = AnalyticToy.uniformSample(10_000, seed: 3)
        let fitted = try FeatureBinner(fitting: continuous, featureCount: 1, maxBins: 255)
        XCTAssertEqual(fitted.binCount(feature: 0), 255)
        XCTAssertEqual(try FeatureBinner(fitting: continuous, featureCount: 1), fitted, "deterministic edges")
        let codes = try BinnedFeatures(binning: continuous, binner: fitted).codes
        let perBin = Dictionary(grouping: codes, by: { $0 }).mapValues(\.count)
        XCTAssertLessThan(perBin.values.max()! - perBin.values.min()!, 3, "quantile bins hold equal counts")
    }

    func testNegativeWeightsAreAcceptedAndNoLeafHasNonPositiveSum() throws {
        // Base point 0 has negative weights below x = 0.3, where its summed weight is negative;
        // the nominal has 20% negative weights everywhere (NLO-like).
        var rng = SplitMix64(seed: 31)
        let n = 20_000
        let x = (0..<n).map { _ in rng.uniform() }
        let w0 = (0..<n).map { _ in rng.uniform() < 0.2 ? -0.5 : 1.5 }
        let problem = try ParametricProblem(parameterNames: ["a"], termNames: [["a"]], basePoints: [[1], [2]])
        let w1 = (0..<n).map { x[$0] < 0.3 ? -1.0 : w0[$0] * exp(0.4 * x[$0]) }
        let w2 = (0..<n).map { w0[$0] * exp(0.8 * x[$0]) }
        let data = try BPTTrainingData(nominalX: x, featureCount: 1, nominalWeights: w0,
                                       basePoints: [.reweighted(weights: w1), .reweighted(weights: w2)])
        let model = try BPTTrainer(problem: problem, settings: BPTSettings(trees: 5, maxDepth: 4, minNodeSize: 100))
            .train(consume data)
        XCTAssertGreaterThan(model.splitCounts[0], 0)
        for tree in model.trees {
            var sums = [[Double]](repeating: [0, 0, 0], count: tree.leafCount)
            var counts = [Int](repeating: 0, count: tree.leafCount)
            x.withUnsafeBufferPointer { xs in
                for i in 0..<n {
                    let leaf = tree.leaf(features: xs.baseAddress! + i)
                    sums[leaf][0] += w0[i]; sums[leaf][1] += w1[i]; sums[leaf][2] += w2[i]
                    counts[leaf] += 1
                }
            }
            for (j, s) in sums.enumerated() {
                XCTAssertTrue(s.allSatisfy { $0 > 0 }, "leaf \(j) sums \(s)")
                XCTAssertGreaterThanOrEqual(counts[j], 100)
            }
        }
    }

    func testMinimumNodeSizeHoldsForEverySampleWithOwnEvents() throws {
        // The base point's own sample is concentrated at large x: leaves must still contain at
        // least minNodeSize of its events, which limits how finely small x can be split.
        var rng = SplitMix64(seed: 41)
        let nominal = (0..<20_000).map { _ in rng.uniform() }
        let own = (0..<5_000).map { _ in rng.uniform().squareRoot() }
        let problem = try ParametricProblem(parameterNames: ["a"], termNames: [["a"]], basePoints: [[1]])
        let data = try BPTTrainingData(nominalX: nominal, featureCount: 1, basePoints: [.sample(x: own, weights: nil)])
        let model = try BPTTrainer(problem: problem, settings: BPTSettings(trees: 3, maxDepth: 5, minNodeSize: 200))
            .train(consume data)
        for tree in model.trees {
            var nominalCounts = [Int](repeating: 0, count: tree.leafCount)
            var ownCounts = [Int](repeating: 0, count: tree.leafCount)
            for var v in nominal { nominalCounts[tree.leaf(features: &v)] += 1 }
            for var v in own { ownCounts[tree.leaf(features: &v)] += 1 }
            XCTAssertGreaterThan(tree.leafCount, 2)
            XCTAssertTrue(nominalCounts.allSatisfy { $0 >= 200 }, "\(nominalCounts)")
            XCTAssertTrue(ownCounts.allSatisfy { $0 >= 200 }, "\(ownCounts)")
        }
    }

    func testSettingsTableDeclaresEveryParameterOnce() {
        let names = BPTSettings.parameters.map(\.name)
        XCTAssertEqual(Set(names).count, names.count)
        let defaults = BPTSettings()
        XCTAssertEqual(defaults, BPTSettings(trees: 300, learningRate: 0.2, maxDepth: 4, minNodeSize: 50, bins: 255))
        for p in BPTSettings.parameters {
            XCTAssertEqual(defaults.value(of: p.name), p.defaultValue, p.name)
            XCTAssertFalse(p.description.isEmpty)
        }
        XCTAssertNoThrow(try defaults.validate())
    }

    func testTermHelpersAndSoftplusAreStable() throws {
        XCTAssertEqual(PolynomialTerm([1, 0]), PolynomialTerm([0, 1]))
        XCTAssertEqual(PolynomialTerm.allTerms(parameterCount: 2, maxDegree: 2).map(\.parameters),
                       [[0], [1], [0, 0], [0, 1], [1, 1]])
        XCTAssertEqual(PolynomialTerm([0, 0, 1]).value(at: [2, 3]), 12)
        XCTAssertEqual(NodeObjective.softplus(800), 800)
        XCTAssertEqual(NodeObjective.softplus(-800), 0)
        XCTAssertEqual(NodeObjective.softplus(0), log(2), accuracy: 1e-15)
    }
}
