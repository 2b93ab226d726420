import Foundation
import XCTest
@testable import Inference

/// Profiled q against scipy's L-BFGS-B from the same start, Newton against NLopt, and the
/// physics of the limits: q(0) = 0, profiled contours contain frozen ones, q = level at the
/// interval ends.
final class ProfilingTests: XCTestCase {
    func testProfiledQNoHigherThanScipy() throws {
        let synthetic = SyntheticModel(events: 4000, seed: 13)
        let spec = try synthetic.writeSpec(to: PythonReference.temporaryFolder("scipy"))
        let model = try AsimovSpec.loadModel(spec)
        let statistic = AsimovStatistic(model: model, threads: 2)
        var rng = SeededGenerator(seed: 21)
        var starts: [[Double]] = []
        for _ in 0..<4 {
            var x = Array(repeating: 0.0, count: model.parameterCount)
            x[0] = 0.4 * rng.normal()
            x[1] = 1.5 * rng.normal()
            for i in 2..<x.count { x[i] = 0.2 * rng.normal() }
            starts.append(x)
        }
        let free = Array(2..<model.parameterCount)
        let answer = try PythonReference.run(spec: spec, request: ["profile": starts.map { ["start": $0, "free": free, "method": "lbfgsb"] }])
        let scipy = try XCTUnwrap(answer["profile"] as? [[String: Any]]).map { $0["q"] as! Double }
        for method in MinimizerMethod.allCases {
            let profiler = Profiler(statistic: statistic, method: method)
            for (start, reference) in zip(starts, scipy) {
                let p = try profiler.profile(start: start, free: free)
                XCTAssertLessThanOrEqual(p.q, reference + 1e-6, "\(method) from \(start)")
                XCTAssertLessThan(p.q, statistic.value(at: start), "profiling lowers q")
            }
        }
    }

    func testLimitsPhysics() throws {
        let model = try SyntheticModel(events: 3000, pois: 3, seed: 8).model()
        let scanner = try LimitScanner(profiler: Profiler(statistic: AsimovStatistic(model: model, threads: 2)))
        XCTAssertEqual(scanner.profiler.statistic.value(at: Array(repeating: 0, count: model.parameterCount)), 0)
        let frozen = try scanner.contours(0, 1, nuisances: .frozen)
        let profiled = try scanner.contours(0, 1, nuisances: .profiled)
        for (f, p) in zip(frozen, profiled) {
            XCTAssertTrue(f.closed && p.closed)
            XCTAssertLessThanOrEqual(p.maxChordDeviation, p.tolerance)
            for point in f.points { XCTAssertTrue(Self.inside(point, polygon: p.points), "frozen point \(point) outside the profiled contour") }
        }
        // On every contour point q equals its level, re-profiled from scratch by the NLopt reference.
        let reference = Profiler(statistic: AsimovStatistic(model: model, threads: 1), method: .lbfgs)
        for c in profiled {
            for point in c.points.prefix(3) {
                var x = Array(repeating: 0.0, count: model.parameterCount)
                x[0] = point[0]; x[1] = point[1]
                let q = try reference.profile(start: x, free: Array(2..<model.parameterCount)).q
                XCTAssertEqual(q, c.level, accuracy: 1e-5 * c.level)
            }
        }
        for mode in NuisanceMode.allCases {
            let i = try scanner.interval(poi: 0, level: 3.84, nuisances: mode)
            XCTAssertTrue(i.lowerClosed && i.upperClosed && i.lower < 0 && i.upper > 0)
        }
        let wide = try scanner.interval(poi: 0, level: 3.84, nuisances: .profiled)
        let narrow = try scanner.interval(poi: 0, level: 3.84, nuisances: .frozen)
        XCTAssertGreaterThanOrEqual(wide.width, narrow.width)
        let fixedOthers = try scanner.interval(poi: 0, level: 3.84, otherPOIsProfiled: false, nuisances: .frozen)
        XCTAssertLessThanOrEqual(fixedOthers.width, narrow.width + 1e-9)
    }

    /// The polygon is within the tolerance of the true contour everywhere, not only at its
    /// vertices: for every edge, the true crossing on the ray from the SM through the edge's
    /// midpoint (solved afresh) lies within `contourTolerance` of the contour's extent of the edge.
    /// This checks the Hermite prediction that lets gaps go without a midpoint ray.
    func testContourPolygonWithinToleranceBetweenItsRays() throws {
        let model = try SyntheticModel(events: 3000, pois: 3, seed: 8).model()
        let scanner = try LimitScanner(profiler: Profiler(statistic: AsimovStatistic(model: model, threads: 2)))
        for mode in NuisanceMode.allCases {
            let free = scanner.freeParameters(scan: [0, 1], nuisances: mode)
            for c in try scanner.contours(0, 1, nuisances: mode) {
                XCTAssertTrue(c.closed)
                let xs = c.points.map { $0[0] }, ys = c.points.map { $0[1] }
                let scale = [xs.max()! - xs.min()!, ys.max()! - ys.min()!]
                var worst = 0.0
                for k in c.points.indices {
                    let a = c.points[k], b = c.points[(k + 1) % c.points.count]
                    let mid = [0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1])]
                    let r = (mid[0] * mid[0] + mid[1] * mid[1]).squareRoot()
                    var warm: ProfilePoint? = nil
                    let cross = try scanner.crossing(scan: [0, 1], direction: [mid[0] / r, mid[1] / r], level: c.level, free: free,
                                                     tGuess: r, tMax: 100 * r, warm: &warm)
                    let truth = [mid[0] / r * cross.t, mid[1] / r * cross.t]
                    worst = max(worst, LimitScanner.distanceToSegment(truth, a, b, scale: scale))
                }
                XCTAssertLessThanOrEqual(worst, c.tolerance, "\(mode) contour at q = \(c.level): \(c.rays) rays")
                XCTAssertLessThanOrEqual(c.maxChordDeviation, c.tolerance)
            }
        }
    }

    /// The whole run — intervals, contours, breakdown, constraints — is the same to the bit for
    /// any thread count: the event sums are, and everything downstream is sequential.
    func testLimitsRunBitIdenticalForOneAndTwoThreads() throws {
        let model = try SyntheticModel(events: 9000, pois: 3, seed: 12).model()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func results(_ threads: Int) throws -> Data {
            var report = try LimitsRun.run(model: model, pairs: [(0, 1)], threads: threads)
            report.seconds = [:]
            report.threads = 0
            return try encoder.encode(report)
        }
        let one = try results(1), two = try results(2)
        XCTAssertEqual(one, two)
        XCTAssertGreaterThan(one.count, 1000)
    }

    func testContourLeavingTheRangeIsReported() throws {
        let model = try SyntheticModel(events: 2000, pois: 2, seed: 3).model()
        var settings = LimitSettings()
        settings.rangeInSigmas = 0.2   // σ with everything profiled; the frozen 95% contour lies near 2.4 of its own σ
        let scanner = try LimitScanner(profiler: Profiler(statistic: AsimovStatistic(model: model, threads: 1)), settings: settings)
        let contours = try scanner.contours(0, 1, nuisances: .frozen)
        XCTAssertFalse(contours[1].closed)
        let interval = try scanner.interval(poi: 0, level: 3.84, nuisances: .frozen)
        XCTAssertFalse(interval.lowerClosed || interval.upperClosed)
    }

    func testNonConvergedMinimizationIsReportedWithItsPoint() throws {
        let model = try SyntheticModel(events: 2000, seed: 5).model()
        let profiler = Profiler(statistic: AsimovStatistic(model: model, threads: 1), method: .lbfgs)
        profiler.maxIterations = 0   // NLopt gets no evaluation budget
        var start = Array(repeating: 0.0, count: model.parameterCount)
        start[0] = 0.5
        XCTAssertThrowsError(try profiler.profile(start: start, free: Array(1..<model.parameterCount))) { error in
            guard case let InferenceError.notConverged(_, point, _, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(point["ctGRe"], 0.5)
            XCTAssertTrue(error.localizedDescription.contains("did not converge"))
        }
        XCTAssertEqual(profiler.log.failures.count, 1)
    }

    /// Even–odd rule.
    static func inside(_ p: [Double], polygon: [[Double]]) -> Bool {
        var result = false
        var j = polygon.count - 1
        for i in polygon.indices {
            let a = polygon[i], b = polygon[j]
            if (a[1] > p[1]) != (b[1] > p[1]), p[0] < (b[0] - a[0]) * (p[1] - a[1]) / (b[1] - a[1]) + a[0] { result.toggle() }
            j = i
        }
        return result
    }
}
