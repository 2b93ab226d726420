import Foundation
import RefineryCore
import Validation

/// `refinery-bench validate`: (a) the classifier two-sample test of one surrogate at paper
/// scale — 2 × `--events` (default 1.2 × 10⁶) weighted events with 14 features — timing one
/// classifier (XGBoost training and prediction) and one permutation-null classifier, with the
/// process's peak memory; (b) the whole `validate` of a workspace's surrogates (default
/// workspaces/tt2l after `make demo`), run on a scratch copy so nothing is reused or changed.
enum ValidationBenchmarks {
    static func run(args: [String]) {
        let events = BenchSupport.intOption("--events", in: args) ?? 1_200_000
        let threads = BenchSupport.intOption("--threads", in: args) ?? ProcessInfo.processInfo.activeProcessorCount
        let workspace = args.firstIndex(of: "--workspace").flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil } ?? "workspaces/tt2l"
        do {
            if !args.contains("--skip-paper") { try paperScale(events: events, threads: threads) }
            try wholeValidate(workspace: URL(fileURLWithPath: workspace), threads: threads)
        } catch {
            print("error: \((error as? LocalizedError)?.errorDescription ?? "\(error)")")
            exit(1)
        }
    }

    static func paperScale(events: Int, threads: Int) throws {
        let nf = 14
        var rng = SplitMix64(seed: 92)
        print("C2ST at paper scale: 2 × \(events) weighted events, \(nf) features, \(threads) threads, XGBoost \(try TwoSampleTest.libraryVersion())")
        func sample(shift: Double) throws -> WeightedSample {
            var x: [Double] = [], w: [Double] = []
            x.reserveCapacity(events * nf)
            for _ in 0..<events {
                for f in 0..<nf { x.append(rng.normal() + (f == 0 ? shift : 0)) }
                w.append(0.5 + rng.uniform())
            }
            return try WeightedSample(x: x, w: w, featureCount: nf)
        }
        let reference = try sample(shift: 0)
        let varied = try sample(shift: 0.01)
        var settings = ClassifierSettings()
        settings.nullClassifiers = 0
        let start = Date()
        let one = try TwoSampleTest.run(reference: reference, reweighted: varied, unreweighted: nil, settings: settings, threads: threads)
        let classifier = Date().timeIntervalSince(start)
        settings.nullClassifiers = 2
        let start2 = Date()
        _ = try TwoSampleTest.run(reference: reference, reweighted: varied, unreweighted: nil, settings: settings, threads: threads)
        let perNull = (Date().timeIntervalSince(start2) - classifier) / 2
        print(String(format: "  one classifier (%d rounds, depth %d, hist; train on half, predict the other): %.1f s", settings.rounds, settings.maxDepth, classifier))
        print(String(format: "  per permutation-null classifier: %.1f s  (K = 1000 as in the paper: %.1f h)", perNull, perNull * 1000 / 3600))
        print(String(format: "  accuracy %.4f for a 0.01σ shift of one feature (binomial p %.2g, n_eff %.0f)", one.accuracy, one.pValue, one.testEffectiveEvents))
        print(String(format: "  peak memory (process): %.0f MiB", Double(BenchSupport.peakRSSBytes()) / 1_048_576))
    }

    static func wholeValidate(workspace: URL, threads: Int) throws {
        let source = try Workspace.open(workspace.path)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("refinery-bench-validate-\(getpid())")
        try? FileManager.default.removeItem(at: scratch)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let layout = source.layout
        for url in [layout.config, layout.samples, layout.synthetic, layout.surrogates] {
            guard FileManager.default.fileExists(atPath: url.path) else {
                print("whole validate: \(layout.relative(url)) is missing in \(workspace.path); run `make demo` first")
                return
            }
            try FileManager.default.copyItem(at: url, to: scratch.appendingPathComponent(url.lastPathComponent))
        }
        let copy = try Workspace.open(scratch.path)
        let start = Date()
        let outcomes = try Validating.run(copy, only: [], threads: threads) { _ in }
        let seconds = Date().timeIntervalSince(start)
        print("whole validate of \(workspace.path) (\(outcomes.count) surrogates, \(threads) threads): \(String(format: "%.1f", seconds)) s")
        for outcome in outcomes {
            let points = outcome.report?.basePoints ?? []
            let text = points.map { String(format: "%.4f/%.4f", $0.test.accuracy, $0.test.accuracyUnreweighted ?? .nan) }.joined(separator: " ")
            print("  \(outcome.name): \(outcome.status.rawValue) in \(String(format: "%.1f", outcome.seconds)) s; accuracy reweighted/unreweighted per base point: \(text)\(outcome.error.map { " " + $0 } ?? "")")
        }
        print(String(format: "  peak memory (process): %.0f MiB", Double(BenchSupport.peakRSSBytes()) / 1_048_576))
    }
}
