import Foundation
import Inference

/// Benchmarks of the Asimov limits engine (`refinery-bench limits [options]`); they print
/// figures and never fail on a timing.
///
/// Synthetic but structured coefficient arrays at paper scale (`SyntheticModel`: 1.2·10⁶
/// events, five POIs, the nine nuisances of eq. 82 incl. lumi and norm) — the engine's cost
/// depends on the array shapes, not on where the numbers came from.
///
/// (a) One profiled point (two POIs fixed, three POIs and nine nuisances free) by Newton and by
///     NLopt L-BFGS, side by side with scripts/asimov_numpy.py (numpy + iminuit, the
///     implementation a physicist would write today) from the same start, in this run: the
///     speed ratio (target ≥ 100×) and the q agreement (target 1e-6).
/// (b) Figure 11 in full: all 10 pairs × 2 CL × frozen/profiled, the 1-D intervals, the
///     breakdown and the constraints (target ≤ 5 min), and peak RSS against the cached
///     per-event coefficients.
///
/// Options: `--events N` (default 1200000), `--threads N`, `--only point|full`, `--pairs K`
/// (the full run on the first K of the 10 pairs only, with the contour time extrapolated
/// linearly to all 10 — for a paper-scale figure 11 on a loaded machine), `--out DIR` (where
/// the full run writes its outputs, default a temporary folder). Every figure is printed with
/// the load average, since the machine is shared; ratios against the peer in the same run are
/// what counts.
enum InferenceBenchmarks {
    static func run(args: [String]) {
        let events = BenchSupport.intOption("--events", in: args) ?? 1_200_000
        let threads = BenchSupport.intOption("--threads", in: args) ?? ProcessInfo.processInfo.activeProcessorCount
        let only = args.firstIndex(of: "--only").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
        let pairCount = BenchSupport.intOption("--pairs", in: args)
        let out = args.firstIndex(of: "--out").flatMap { $0 + 1 < args.count ? URL(fileURLWithPath: args[$0 + 1]) : nil }
        do {
            if only == "surrogates" {
                try SurrogateEvaluationBenchmarks.run(events: events, threads: threads)
                return
            }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("refinery-bench-limits-\(ProcessInfo.processInfo.processIdentifier)")
            defer { try? FileManager.default.removeItem(at: folder) }
            var start = Date()
            let spec = try SyntheticModel(events: events, seed: 2025).writeSpec(to: folder)
            print(String(format: "synthetic SPEC with %d events written in %.1f s (%@)", events, Date().timeIntervalSince(start), folder.path))
            start = Date()
            let model = try AsimovSpec.loadModel(spec)
            let loadSeconds = Date().timeIntervalSince(start)
            print(String(format: "model loaded and packed in %.2f s: %d parameters, cached coefficients %.1f MB (%d doubles per event)",
                         loadSeconds, model.parameterCount, Double(model.cachedBytes) / 1e6, model.cachedBytes / 8 / model.eventCount))
            if only == nil || only == "point" {
                try point(model: model, spec: spec, threads: threads, repeats: BenchSupport.intOption("--repeats", in: args) ?? 5,
                          peerRepeats: BenchSupport.intOption("--peer-repeats", in: args) ?? 1)
            }
            if only == nil || only == "full" {
                var settings = LimitSettings()
                if let rays = BenchSupport.intOption("--initial-rays", in: args) { settings.initialRays = rays }
                try full(model: model, threads: threads, pairCount: pairCount, settings: settings, out: out ?? folder.appendingPathComponent("limits"))
            }
            do {
                print(String(format: "peak RSS %.1f MB = %.2f × the cached coefficients (%.1f MB; target ≤ 2×)  [%@]",
                             Double(BenchSupport.peakRSSBytes()) / 1e6, Double(BenchSupport.peakRSSBytes()) / Double(model.cachedBytes),
                             Double(model.cachedBytes) / 1e6, load()))
            }
            // Last: its feature and coefficient arrays would otherwise count in the peak above.
            if only == nil { try SurrogateEvaluationBenchmarks.run(events: events, threads: threads) }
        } catch {
            print("limits benchmark failed: \(error.localizedDescription)")
            exit(1)
        }
    }

    static func point(model: AsimovModel, spec: URL, threads: Int, repeats: Int, peerRepeats: Int) throws {
        let statistic = AsimovStatistic(model: model, threads: threads)
        let x = Array(repeating: 0.1, count: model.parameterCount)
        let hessPass = median((0..<20).map { _ in timed { _ = statistic.evaluate(x, active: Array(0..<model.parameterCount), order: .hessian) } })
        let gradPass = median((0..<20).map { _ in timed { _ = statistic.evaluate(x, active: Array(2..<model.parameterCount), order: .gradient) } })
        print(String(format: "one event pass (%d threads, median of 20): value+gradient %.1f ms (%.1f Mevents/s), value+gradient+Hessian %.1f ms (%.1f Mevents/s)  [%@]",
                     threads, gradPass * 1e3, Double(model.eventCount) / gradPass / 1e6, hessPass * 1e3, Double(model.eventCount) / hessPass / 1e6, load()))

        // Fix the first two POIs near their 95% CL contour (Gaussian estimate), profile the rest from 0.
        let scanner = try LimitScanner(profiler: Profiler(statistic: statistic))
        let free = Array(2..<model.parameterCount)
        let c = scanner.gaussianCovariance(scan: [0, 1], free: free)
        var startPoint = Array(repeating: 0.0, count: model.parameterCount)
        startPoint[0] = 1.7 * c[0].squareRoot()
        startPoint[1] = 1.7 * c[3].squareRoot()
        // Each side is repeated and its median taken: the machine is shared, and one slow
        // repetition of either side would otherwise move the ratio.
        var results: [(name: String, q: Double, seconds: [Double], passes: Int, hessians: Int)] = []
        for method in [MinimizerMethod.newton, .lbfgs] {
            var seconds: [Double] = []
            var q = Double.nan, passes = 0, hessians = 0
            for _ in 0..<max(1, method == .newton ? repeats : min(repeats, 3)) {
                let profiler = Profiler(statistic: statistic, method: method)
                let before = statistic.hessianPasses
                var p: ProfilePoint?
                seconds.append(try timed { p = try profiler.profile(start: startPoint, free: free) })
                // Deterministic: every repetition gives the same bits.
                precondition(q.isNaN || q.bitPattern == p!.q.bitPattern, "\(method) repetitions differ")
                (q, passes, hessians) = (p!.q, p!.passes, statistic.hessianPasses - before)
            }
            results.append((method.rawValue, q, seconds, passes, hessians))
        }
        let loadBefore = load()
        var peerRuns: [(q: Double, seconds: Double, calls: Int, valid: Bool)] = []
        var perCall: [Double] = []
        for _ in 0..<max(1, peerRepeats) {
            let request: [String: Any] = ["profile": [["start": startPoint, "free": free, "method": "iminuit"]],
                                          "time_eval": ["x": startPoint, "repeat": 7]]
            guard let answer = try peer(spec: spec, request: request), let run = (answer["profile"] as? [[String: Any]])?.first,
                  let q = run["q"] as? Double, let seconds = run["seconds"] as? Double else { return }
            peerRuns.append((q, seconds, (run["calls"] as? Int) ?? 0, (run["valid"] as? Bool) ?? false))
            perCall += (answer["time_eval"] as? [Double]) ?? []
        }
        let peerQ = peerRuns[0].q, peerSeconds = median(peerRuns.map(\.seconds)), calls = peerRuns[0].calls
        // The peer's time rebuilt from its own parts: its number of u evaluations times the median
        // cost of one, measured in the same process; robust to a load spike during its long run.
        let peerRebuilt = Double(calls) * median(perCall)
        print(String(format: "one profiled point at (%@, %@) = (%.4g, %.4g), 3 POIs + %d nuisances free  [%@ before the peer, %@ after]:",
                     model.parameterNames[0], model.parameterNames[1], startPoint[0], startPoint[1],
                     model.parameterCount - model.poiNames.count, loadBefore, load()))
        for r in results {
            let t = median(r.seconds)
            print(String(format: "  %-12@ q = %.10f  median %.3f s of %d (%.3f–%.3f s; %d event passes, %d with Hessian)  %.0f× faster than numpy+iminuit measured, %.0f× against its calls × median call (target ≥ 100×), |Δq|/q = %.1e (target ≤ 1e-6)",
                         r.name, r.q, t, r.seconds.count, r.seconds.min()!, r.seconds.max()!, r.passes, r.hessians,
                         peerSeconds / t, peerRebuilt / t, abs(r.q - peerQ) / peerQ))
        }
        print(String(format: "  %-12@ q = %.10f  %.3f s (median of %d run(s); %d calls, valid=%@; one u call: median %.3f s of %d → %.1f s for the calls)",
                     "numpy+iminuit", peerQ, peerSeconds, peerRuns.count, calls, "\(peerRuns[0].valid)", median(perCall), perCall.count, peerRebuilt))
    }

    /// Runs scripts/asimov_numpy.py on `spec` with one JSON request; nil (and the output printed) when it fails.
    static func peer(spec: URL, request: [String: Any]) throws -> [String: Any]? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/asimov_numpy.py")
        process.arguments = ["python3", script.path, spec.path]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: request))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let answer = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            print("peer (numpy + iminuit) failed: \(String(decoding: data, as: UTF8.self))")
            return nil
        }
        return answer
    }

    static func timed(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }

    static func full(model: AsimovModel, threads: Int, pairCount: Int?, settings: LimitSettings, out: URL) throws {
        let p = model.poiNames.count
        let allPairs = (0..<p).flatMap { a in ((a + 1)..<p).map { (a, $0) } }
        let pairs = Array(allPairs.prefix(max(1, min(pairCount ?? allPairs.count, allPairs.count))))
        let start = Date()
        let report = try LimitsRun.run(model: model, pairs: pairs, threads: threads, settings: settings) { _ in }
        let seconds = Date().timeIntervalSince(start)
        try LimitsWriters.write(report, to: out)
        let contours = report.contours.count
        let rays = report.contours.map(\.rays)
        print(String(format: "figure 11 (%d of %d pairs) + 1-D intervals + breakdown + constraints at %d events: %.1f s wall (%d contours, %d–%d rays each, max chord deviation %.4f of extent)  [%@]",
                     pairs.count, allPairs.count, model.eventCount, seconds, contours, rays.min() ?? 0, rays.max() ?? 0,
                     report.contours.map(\.maxChordDeviation).max() ?? 0, load()))
        for (k, v) in report.seconds.sorted(by: { $0.key < $1.key }) { print(String(format: "  %-12@ %.1f s", k, v)) }
        if pairs.count < allPairs.count {
            let contourSeconds = report.seconds["contours"] ?? 0
            let extrapolated = seconds - contourSeconds + contourSeconds * Double(allPairs.count) / Double(pairs.count)
            print(String(format: "  extrapolated to all %d pairs (contour time × %d/%d, the rest as measured): %.1f s (target ≤ 300 s)",
                         allPairs.count, allPairs.count, pairs.count, extrapolated))
        } else {
            print(String(format: "  target ≤ 300 s at 1.2·10⁶ events: %.1f s", seconds))
        }
        print("  minimizations \(report.convergence.minimizations), event passes \(report.convergence.passes) (\(report.convergence.hessianPasses) with Hessian), max iterations \(report.convergence.maxIterations), Newton→NLopt fallbacks \(report.convergence.newtonFallbacks), failures \(report.convergence.failures.count)")
        for poi in model.poiNames {
            let rows = report.intervals.filter { $0.poi == poi && $0.level == 3.84 && $0.otherPOIs == "profiled" }
            if let p = rows.first(where: { $0.nuisances == .profiled }), let f = rows.first(where: { $0.nuisances == .frozen }) {
                print(String(format: "  95%% CL %@: frozen [%.4f, %.4f], profiled [%.4f, %.4f], width ratio %.2f", poi, f.lower, f.upper, p.lower, p.upper, p.width / f.width))
            }
        }
        print("  outputs in \(out.path)")
    }

    /// The 1-, 5- and 15-minute load averages, printed with every figure (the machine is shared).
    static func load() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return "load average " + text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
