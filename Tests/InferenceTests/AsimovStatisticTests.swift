import Foundation
import XCTest
@testable import Inference

/// Eq. (94) against an independent numpy evaluation, its derivatives against finite
/// differences, and its event sum against the thread count.
final class AsimovStatisticTests: XCTestCase {
    func testValueMatchesNumpyAtRandomPoints() throws {
        let synthetic = SyntheticModel(events: 3000, seed: 7)
        let folder = PythonReference.temporaryFolder("numpy")
        let spec = try synthetic.writeSpec(to: folder)
        let model = try AsimovSpec.loadModel(spec)
        let statistic = AsimovStatistic(model: model, threads: 2)
        var rng = SeededGenerator(seed: 3)
        let points = (0..<8).map { _ in (0..<model.parameterCount).map { _ in 0.8 * rng.normal() } }
        let answer = try PythonReference.run(spec: spec, request: ["eval": points])
        let reference = try XCTUnwrap(answer["eval"] as? [Double])
        for (x, expected) in zip(points, reference) {
            let value = statistic.value(at: x)
            XCTAssertGreaterThan(value, 1, "random points are far from the SM")
            XCTAssertEqual(value, expected, accuracy: 1e-9 * expected, "u at \(x)")
        }
    }

    func testGradientAndHessianMatchFiniteDifferences() throws {
        let model = try SyntheticModel(events: 2000, seed: 11).model()
        let statistic = AsimovStatistic(model: model, threads: 1)
        var rng = SeededGenerator(seed: 5)
        let x = (0..<model.parameterCount).map { _ in 0.5 * rng.normal() }
        let all = Array(0..<model.parameterCount)
        let ev = statistic.evaluate(x, active: all, order: .hessian)
        let d = all.count
        let h = 1e-5
        for i in all {
            var plus = x, minus = x
            plus[i] += h
            minus[i] -= h
            let up = statistic.evaluate(plus, active: all, order: .gradient)
            let down = statistic.evaluate(minus, active: all, order: .gradient)
            let numeric = (up.value - down.value) / (2 * h)
            XCTAssertEqual(ev.gradient[i], numeric, accuracy: 1e-6 * max(1, abs(numeric)), "∂u/∂\(model.parameterNames[i])")
            for j in all {
                let numericH = (up.gradient[j] - down.gradient[j]) / (2 * h)
                XCTAssertEqual(ev.hessian[i * d + j], numericH, accuracy: 1e-5 * max(1, abs(numericH)),
                               "∂²u/∂\(model.parameterNames[i])∂\(model.parameterNames[j])")
            }
        }
        // A subset of active parameters gives the same numbers as the full set.
        let subset = [1, 3, 6, model.parameterCount - 1]
        let partial = statistic.evaluate(x, active: subset, order: .hessian)
        for (a, i) in subset.enumerated() {
            XCTAssertEqual(partial.gradient[a], ev.gradient[i], accuracy: 1e-9 * max(1, abs(ev.gradient[i])))
            for (b, j) in subset.enumerated() {
                XCTAssertEqual(partial.hessian[a * subset.count + b], ev.hessian[i * d + j], accuracy: 1e-9 * max(1, abs(ev.hessian[i * d + j])))
            }
        }
    }

    func testSMIsZeroAndUIsNonNegative() throws {
        let model = try SyntheticModel(events: 5000, seed: 2).model()
        let statistic = AsimovStatistic(model: model, threads: 2)
        XCTAssertEqual(statistic.value(at: Array(repeating: 0, count: model.parameterCount)), 0)
        try Profiler(statistic: statistic).verifySM()
        var rng = SeededGenerator(seed: 9)
        for _ in 0..<20 {
            let x = (0..<model.parameterCount).map { _ in 0.3 * rng.normal() }
            XCTAssertGreaterThanOrEqual(statistic.value(at: x), 0)
        }
    }

    func testBitIdenticalForOneAndTwoThreads() throws {
        let model = try SyntheticModel(events: 20_000, seed: 4).model()
        let one = AsimovStatistic(model: model, threads: 1), two = AsimovStatistic(model: model, threads: 2)
        let x = (0..<model.parameterCount).map { 0.1 * Double($0 % 5) - 0.2 }
        let all = Array(0..<model.parameterCount)
        let a = one.evaluate(x, active: all, order: .hessian), b = two.evaluate(x, active: all, order: .hessian)
        XCTAssertEqual(a.value.bitPattern, b.value.bitPattern)
        XCTAssertEqual(a.gradient.map(\.bitPattern), b.gradient.map(\.bitPattern))
        XCTAssertEqual(a.hessian.map(\.bitPattern), b.hessian.map(\.bitPattern))
        let pa = try Profiler(statistic: one).profile(start: x, free: Array(2..<model.parameterCount))
        let pb = try Profiler(statistic: two).profile(start: x, free: Array(2..<model.parameterCount))
        XCTAssertEqual(pa.q.bitPattern, pb.q.bitPattern)
        XCTAssertEqual(pa.x.map(\.bitPattern), pb.x.map(\.bitPattern))
    }
}
