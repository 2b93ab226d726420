import Foundation

/// Everything `refinery limits` computes from one model: SM check, 1-D intervals, the 2-D
/// contours of figure 11 (frozen and profiled), the systematics breakdown and the nuisance
/// constraints, with timings and the convergence log.
public enum LimitsRun {
    public static func run(model: AsimovModel, pairs: [(Int, Int)]? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                           method: MinimizerMethod = .newton, settings: LimitSettings = LimitSettings(),
                           progress: (String) -> Void = { _ in }) throws -> LimitsReport {
        let statistic = AsimovStatistic(model: model, threads: threads)
        let profiler = Profiler(statistic: statistic, method: method)
        let scanner = try LimitScanner(profiler: profiler, settings: settings)
        let p = model.poiNames.count
        let chosen = pairs ?? (0..<p).flatMap { a in ((a + 1)..<p).map { (a, $0) } }
        let floating = model.parameterNames.indices.filter { $0 >= p && !model.constrained[$0] }.map { model.parameterNames[$0] }
        let expected = model.rows.withUnsafeBufferPointer { r in (0..<model.eventCount).reduce(0.0) { $0 + r[$1 * model.stride] } } * model.luminosity
        var report = LimitsReport(
            model: ModelSummary(events: model.eventCount, pois: model.poiNames, nuisances: Array(model.parameterNames[p...]),
                                floating: floating, luminosity: model.luminosity, cachedBytes: model.cachedBytes, expectedEvents: expected),
            method: method.rawValue, threads: threads, smCheck: "q(SM) = 0 and ∇q(SM) = 0", convergence: ConvergenceLog())
        func timed<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            let start = Date()
            defer { report.seconds[name] = Date().timeIntervalSince(start) }
            progress(name)
            return try body()
        }
        report.intervals = try timed("intervals") { try scanner.allIntervals() }
        report.contours = try timed("contours") {
            var out: [ContourResult] = []
            for (a, b) in chosen {
                for mode in NuisanceMode.allCases.reversed() {
                    progress("contour \(model.poiNames[a]):\(model.poiNames[b]) \(mode.rawValue)")
                    out += try scanner.contours(a, b, nuisances: mode)
                }
            }
            return out
        }
        report.breakdown = try timed("breakdown") { try scanner.breakdown() }
        report.constraints = try timed("constraints") { try scanner.constraints() }
        report.convergence = profiler.log
        return report
    }
}
