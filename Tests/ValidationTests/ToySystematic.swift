import BoostedParametricTree
import Foundation
import RefineryCore
import Validation

/// A reweighting systematic whose effect lives in a correlation of two features, invisible in
/// every one-dimensional projection: w₁(x) = w₀ (1 + a tanh(x₀) tanh(x₁)), a = 0.5, x ~ N(0, 1)⁴
/// (E[tanh x] = 0, so every marginal ratio and the yield are 1).
/// An additive surrogate (depth-1 trees: each tree splits one feature) can learn every
/// projection but not the x₀x₁ correlation; depth-3 trees can.
enum ToySystematic {
    static let features = 4
    static let strength = 0.5
    static let basePoints: [[Double]] = [[1]]
    static let split = try! HeldOutSplit(fraction: 0.5, seed: 7)

    struct Events {
        var x: [Double]
        var w0: [Double]
        var w1: [Double]
        var count: Int { w0.count }
    }

    static func events(_ n: Int, seed: UInt64) -> Events {
        var state = seed
        func uniform() -> Double {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
        }
        func gauss() -> Double { (-2 * log(1 - uniform())).squareRoot() * cos(2 * Double.pi * uniform()) }
        var x: [Double] = [], w0: [Double] = [], w1: [Double] = []
        for _ in 0..<n {
            let row = (0..<features).map { _ in gauss() }
            x += row
            let w = 0.5 + uniform()  // weighted events, as the simulation's
            w0.append(w)
            w1.append(w * (1 + strength * tanh(row[0]) * tanh(row[1])))
        }
        return Events(x: x, w0: w0, w1: w1)
    }

    /// The surrogate, trained on the split's training part only (as `validate` needs).
    static func surrogate(_ events: Events, maxDepth: Int) throws -> BPTModel {
        let problem = try ParametricProblem(parameterNames: ["nu"], termNames: [["nu"]], basePoints: basePoints)
        let settings = BPTSettings(trees: 60, learningRate: 0.3, maxDepth: maxDepth, minNodeSize: 50, bins: 64)
        let data = try BPTTrainingData(nominalX: events.x, featureCount: features, nominalWeights: events.w0,
                                       basePoints: [.reweighted(weights: events.w1)], bins: 64)
        return try BPTTrainer(problem: problem, settings: settings, threads: 2).train(data, holdingOut: split)
    }

    /// The classifier two-sample test as `validate` runs it.
    static func c2st(_ events: Events, model: BPTModel, settings: ClassifierSettings = ClassifierSettings(), threads: Int = 2) throws -> TwoSampleTest.Result {
        let nominal = try WeightedSample(x: events.x, w: events.w0, featureCount: features)
        let (reference, varied) = try C2STEvents.samples(nominal: nominal, nominalEvents: Array(0..<nominal.count),
                                                         varied: .reweighted(weights: events.w1),
                                                         split: model.validation!.split!, seed: settings.seed)
        return try C2STEvents.test(model: model, nu: [1], reference: reference, varied: varied, settings: settings, threads: threads)
    }
}
