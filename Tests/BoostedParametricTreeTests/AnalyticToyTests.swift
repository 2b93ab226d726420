import XCTest
import BoostedParametricTree

/// Validation against the analytic toy of appendix C.5 (eq. C.33, figure 12).
final class AnalyticToyTests: XCTestCase {
    static let evaluationPoints: [[Double]] = AnalyticToy.basePoints + [[-0.5, 0.7], [1.2, -0.3]]

    /// Largest |exp(T̂) / DCR − 1| over a grid of x inside [−π + margin, π − margin].
    func maxRelativeDeviation(_ model: BPTModel, margin: Double) -> (Double, [Double]) {
        let grid = (0..<400).map { -Double.pi + margin + (2 * (Double.pi - margin)) * (Double($0) + 0.5) / 400 }
        var worst = 0.0
        var worstPoint: [Double] = []
        for nu in Self.evaluationPoints {
            let predicted = model.ratio(x: grid, count: grid.count, nu: nu)
            for (x, s) in zip(grid, predicted) {
                let deviation = abs(s / exp(AnalyticToy.logRatio(x, nu)) - 1)
                if deviation > worst { worst = deviation; worstPoint = nu + [x] }
            }
        }
        return (worst, worstPoint)
    }

    func testReweightedToyMatchesTrueRatioWithinTwoPercent() throws {
        let data = try AnalyticToy.reweightedData(events: 100_000, seed: 1)
        let trainer = try BPTTrainer(problem: AnalyticToy.problem(),
                                     settings: BPTSettings(trees: 100, learningRate: 0.2, maxDepth: 4, minNodeSize: 50),
                                     threads: 2)
        let model = try trainer.train(consume data)
        let (worst, at) = maxRelativeDeviation(model, margin: 0.05)
        print("reweighted toy: worst |S/DCR - 1| = \(worst) at \(at)")
        XCTAssertLessThan(worst, 0.02, "worst at nu,x = \(at)")
    }

    /// Independent accept–reject samples (section 5.3 style) carry statistical noise that the
    /// reweighted version does not, so the bounds are looser and averaged: with 2·10⁵ events per
    /// sample and minNodeSize 2000, the mean |S/DCR − 1| over the x grid and the ratio of the
    /// integrated predicted to true dσ in each of 10 x-bins are within 3% at the five training
    /// points and within 6% at the two extrapolated points (−0.5, 0.7) and (1.2, −0.3).
    func testIndependentSamplesToyMatchesTrueRatioWithinStatisticalPrecision() throws {
        let data = try AnalyticToy.independentData(events: 200_000, seed: 2)
        let trainer = try BPTTrainer(problem: AnalyticToy.problem(),
                                     settings: BPTSettings(trees: 100, learningRate: 0.2, maxDepth: 4, minNodeSize: 2000),
                                     threads: 2)
        let model = try trainer.train(consume data)
        let margin = 0.1
        let grid = (0..<400).map { -Double.pi + margin + (2 * (Double.pi - margin)) * (Double($0) + 0.5) / 400 }
        for (index, nu) in Self.evaluationPoints.enumerated() {
            let bound = index < AnalyticToy.basePoints.count ? 0.03 : 0.06
            let predicted = model.ratio(x: grid, count: grid.count, nu: nu)
            let truth = grid.map { exp(AnalyticToy.logRatio($0, nu)) }
            let mean = zip(predicted, truth).map { abs($0 / $1 - 1) }.reduce(0, +) / Double(grid.count)
            XCTAssertLessThan(mean, bound, "mean deviation at nu=\(nu)")
            for bin in 0..<10 {
                let range = (bin * 40)..<(bin * 40 + 40)
                let ratio = predicted[range].reduce(0, +) / truth[range].reduce(0, +)
                XCTAssertLessThan(abs(ratio - 1), bound, "x-bin \(bin) at nu=\(nu)")
            }
        }
    }
}
