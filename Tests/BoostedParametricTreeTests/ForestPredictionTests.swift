import XCTest
@testable import BoostedParametricTree

/// Prediction walks the forest through flat buffers (`FlatForest`); these tests compare it with
/// a walk through the trees themselves (`BPTTree.leaf`), summed in the same order, so every
/// result must agree to the bit, for trees of every shape: deep and shallow, without splits,
/// events on thresholds and NaN features (which go right).
final class ForestPredictionTests: XCTestCase {
    /// A random tree of at most `depth` levels over `features` features, `width` coefficients per leaf.
    static func randomTree(_ rng: inout SplitMix64, depth: Int, features: Int, width: Int) -> BPTTree {
        var splitFeature: [Int] = [], threshold: [Double] = [], left: [Int] = [], right: [Int] = []
        var leaves: [[Double]] = []
        func grow(_ level: Int) -> Int {
            if level == depth || (level > 0 && rng.uniform() < 0.3) {
                leaves.append((0..<width).map { _ in rng.uniform(-1, 1) })
                return ~(leaves.count - 1)
            }
            let node = splitFeature.count
            splitFeature.append(Int(rng.next() % UInt64(features)))
            threshold.append((rng.uniform(-2, 2) * 4).rounded() / 4)  // on a grid: events hit thresholds
            left.append(0); right.append(0)
            let l = grow(level + 1), r = grow(level + 1)
            left[node] = l; right[node] = r
            return node
        }
        if grow(0) < 0 {  // a root-only tree (as the held-out normalization writes)
            return BPTTree(splitFeature: [], threshold: [], left: [], right: [], leafCoefficients: leaves)
        }
        return BPTTree(splitFeature: splitFeature, threshold: threshold, left: left, right: right, leafCoefficients: leaves)
    }

    static func events(_ rng: inout SplitMix64, count: Int, features: Int) -> [Double] {
        (0..<count * features).map { i in
            if i % 97 == 5 { return .nan }
            return (rng.uniform(-2.5, 2.5) * 8).rounded() / 8
        }
    }

    func testBPTPredictionAndCoefficientsAgreeBitForBitWithTheTreeWalk() throws {
        var rng = SplitMix64(seed: 42)
        let nf = 5, n = 9000
        let terms = [PolynomialTerm([0]), PolynomialTerm([1]), PolynomialTerm([0, 0]), PolynomialTerm([0, 1])]
        for depth in [0, 1, 3, 6] {
            let trees = (0..<25).map { _ in Self.randomTree(&rng, depth: depth, features: nf, width: terms.count) }
            let model = BPTModel(settings: try BPTSettings(trees: 25, learningRate: 0.3), parameterNames: ["a", "b"],
                                 terms: terms, basePoints: [[1, 0], [0, 1]], featureCount: nf, trees: trees)
            let x = Self.events(&rng, count: n, features: nf)
            let nus: [[Double]] = [[1, 0], [-0.5, 2], [0.25, -1]]
            let predicted = model.predict(x: x, count: n, nus: nus, threads: 2)
            let coefficients = model.coefficients(x: x, count: n, threads: 2)
            x.withUnsafeBufferPointer { x in
                for i in 0..<n {
                    let row = x.baseAddress! + i * nf
                    for (k, nu) in nus.enumerated() {
                        var t = 0.0
                        for tree in trees {
                            let delta = tree.leafCoefficients[tree.leaf(features: row)]
                            var s = 0.0
                            for a in terms.indices { s += terms[a].value(at: nu) * delta[a] }
                            t += 0.3 * s
                        }
                        XCTAssertEqual(predicted[k][i].bitPattern, t.bitPattern, "depth \(depth), event \(i), ν \(nu)")
                    }
                    var c = [Double](repeating: 0, count: terms.count)
                    for tree in trees {
                        let delta = tree.leafCoefficients[tree.leaf(features: row)]
                        for a in terms.indices { c[a] += 0.3 * delta[a] }
                    }
                    for a in terms.indices {
                        XCTAssertEqual(coefficients[i * terms.count + a].bitPattern, c[a].bitPattern, "depth \(depth), event \(i)")
                    }
                }
            }
        }
    }

    func testBITPredictionAtSeveralThetasIsEachThetasOwnPrediction() throws {
        var rng = SplitMix64(seed: 7)
        let nf = 4, n = 5000
        let width = BITTrainer.outputCount(poiCount: 2)
        let trees = (0..<40).map { _ in Self.randomTree(&rng, depth: 4, features: nf, width: width) }
        let model = BITModel(settings: try BITSettings(trees: 40, learningRate: 0.2), poiNames: ["ctGRe", "ctGIm"],
                             featureCount: nf, trees: trees)
        let x = Self.events(&rng, count: n, features: nf)
        let thetas: [[Double]] = [[1, 0], [0, -1], [0.5, 0.5], [-2, 1]]
        let all = model.predict(x: x, count: n, thetas: thetas, threads: 2)
        for (k, theta) in thetas.enumerated() {
            let thetaA = model.outputValues(theta: theta)
            x.withUnsafeBufferPointer { x in
                for i in 0..<n {
                    var t = 0.0
                    for tree in trees {
                        let v = tree.leafCoefficients[tree.leaf(features: x.baseAddress! + i * nf)]
                        var s = 0.0
                        for a in 0..<width { s += thetaA[a] * v[a] }
                        t += 0.2 * s
                    }
                    XCTAssertEqual(all[k][i].bitPattern, (1 + t).bitPattern, "θ \(theta), event \(i)")
                }
            }
            XCTAssertEqual(model.predict(x: x, count: n, theta: theta, threads: 1), all[k])
        }
    }

    func testAModelWithoutTreesPredictsZeroLogRatio() throws {
        let model = BPTModel(settings: try BPTSettings(trees: 1), parameterNames: ["a"], terms: [PolynomialTerm([0])],
                             basePoints: [[1]], featureCount: 2, trees: [])
        XCTAssertEqual(model.predict(x: [0, 1, 2, 3], count: 2, nus: [[1], [2]]), [[0, 0], [0, 0]])
        XCTAssertEqual(model.coefficients(x: [0, 1], count: 1), [0])
    }
}
