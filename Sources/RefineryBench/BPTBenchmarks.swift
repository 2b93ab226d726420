import BoostedParametricTree
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Benchmarks of the BPT learner (`refinery-bench bpt [options]`). They print figures and never
/// fail on a timing.
///
/// (a) The analytic toy of eq. (C.33) with 10⁵ events per sample (6 samples), 100 trees, against
///     the Python reference's 1.24 s/tree (target ≥ 100× faster, ≤ 12 ms/tree).
/// (b) Paper scale: 1.2·10⁶ nominal events × 14 features generated and binned chunk by chunk
///     (the float features are never held), 8 reweighted scale-like base points
///     (ν_R, ν_F) ∈ {−1, 0, 1}² ∖ {(0, 0)}, terms R, F, RR, FF, RF, depth 4 (target ≤ 0.3 s/tree
///     on 2 cores, peak RSS ≤ 1.5 × binned features + weights).
///
/// Options: `--trees N` (paper scale, default 300), `--threads N` (default: active cores),
/// `--events N` (paper scale, default 1200000), `--only toy|paper|heldout`.
/// `--only heldout` measures the cost of the held-out loss per tree (``BPTHeldOutBenchmarks``;
/// `--events` default 300000 there, `--trees` default 30); it is not part of the default run.
enum BPTBenchmarks {
    static let referenceSecondsPerTree = 1.24

    static func run(args: [String]) {
        var trees = 300
        var threads = ProcessInfo.processInfo.activeProcessorCount
        var events: Int? = nil
        var treeOption: Int? = nil
        var only: String? = nil
        var i = 0
        while i < args.count {
            let value = i + 1 < args.count ? args[i + 1] : ""
            switch args[i] {
            case "--trees": treeOption = Int(value); trees = treeOption ?? trees; i += 1
            case "--threads": threads = Int(value) ?? threads; i += 1
            case "--events": events = Int(value); i += 1
            case "--only": only = value; i += 1
            default: print("bpt benchmark: ignoring unknown argument '\(args[i])'")
            }
            i += 1
        }
        do {
            if only == nil || only == "toy" { try analyticToy(threads: threads) }
            if only == nil || only == "paper" {
                try paperScale(events: events ?? 1_200_000, trees: trees, threads: threads)
            }
            if only == "heldout" {
                try BPTHeldOutBenchmarks.run(events: events ?? 300_000, trees: treeOption ?? 30, threads: threads)
            }
        } catch {
            print("bpt benchmark failed: \((error as? LocalizedError)?.errorDescription ?? "\(error)")")
        }
    }

    static func analyticToy(threads: Int) throws {
        let n = 100_000
        let basePoints: [[Double]] = [[0.5, 0], [0, 0.5], [1, 0], [0, 1], [0.5, 0.5]]
        let problem = try ParametricProblem(
            parameterNames: ["nu1", "nu2"],
            termNames: [["nu1"], ["nu2"], ["nu1", "nu1"], ["nu2", "nu2"], ["nu1", "nu2"]], basePoints: basePoints)
        func logRatio(_ x: Double, _ nu: [Double]) -> Double {
            let a = nu[0] * sin(x) + nu[1] * cos(0.5 * x)
            return 0.25 * a * a
        }
        var rng = SplitMix64(seed: 42)
        let x0 = (0..<n).map { _ in -Double.pi + 2 * Double.pi * rng.uniform() }
        // Independent accept–reject samples per base point, like the reference (6 × 10⁵ events).
        var inputs: [BasePointInput] = []
        for nu in basePoints {
            let bound = exp(0.25 * (nu[0] + nu[1]) * (nu[0] + nu[1]))
            var xs: [Double] = []
            while xs.count < n {
                let x = -Double.pi + 2 * Double.pi * rng.uniform()
                if rng.uniform() * bound < exp(logRatio(x, nu)) { xs.append(x) }
            }
            inputs.append(.sample(x: xs, weights: nil))
        }
        let settings = BPTSettings(trees: 100, learningRate: 0.2, maxDepth: 4, minNodeSize: 50)
        let trainer = try BPTTrainer(problem: problem, settings: settings, threads: threads)
        for (label, makeData) in [
            ("independent samples", { try BPTTrainingData(nominalX: x0, featureCount: 1, basePoints: inputs) }),
            ("reweighted nominal", {
                try BPTTrainingData(nominalX: x0, featureCount: 1, basePoints: basePoints.map { nu in
                    .reweighted(weights: x0.map { exp(logRatio($0, nu)) })
                })
            }),
        ] as [(String, () throws -> BPTTrainingData)] {
            let data = try makeData()
            let start = DispatchTime.now().uptimeNanoseconds
            let model = try trainer.train(consume data)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let perTree = elapsed / Double(settings.trees)
            print(String(format: "bpt toy (eq. C.33, %@, 10^5 events per sample, %d trees, %d threads): %.2f ms/tree, "
                + "%.0f× faster than the reference %.2f s/tree (target ≥ 100×); %d splits",
                         label, settings.trees, threads, perTree * 1e3, referenceSecondsPerTree / perTree,
                         referenceSecondsPerTree, model.splitCounts.reduce(0, +)))
        }
    }

    static func paperScale(events n: Int, trees: Int, threads: Int) throws {
        let nf = 14
        let basePoints: [[Double]] = [[-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 1], [1, -1], [1, 0], [1, 1]]
        let problem = try ParametricProblem(parameterNames: ["muR", "muF"],
                                            termNames: [["muR"], ["muF"], ["muR", "muR"], ["muF", "muF"], ["muR", "muF"]],
                                            basePoints: basePoints)
        let chunk = 100_000
        var rng = SplitMix64(seed: 7)
        func makeChunk(_ count: Int) -> [Double] {
            var x = [Double](repeating: 0, count: count * nf)
            for i in 0..<count {
                for f in 0..<nf {
                    // Mixed shapes: exponential-like, Gaussian, uniform, discrete multiplicities.
                    switch f % 4 {
                    case 0: x[i * nf + f] = -log(max(rng.uniform(), 1e-300)) * 50
                    case 1: x[i * nf + f] = rng.normal()
                    case 2: x[i * nf + f] = 2 * rng.uniform() - 1
                    default: x[i * nf + f] = Double(Int(rng.uniform() * 6))
                    }
                }
            }
            return x
        }
        let setupStart = DispatchTime.now().uptimeNanoseconds
        let binner = try FeatureBinner(fitting: makeChunk(200_000), featureCount: nf, maxBins: 255)
        var features = BinnedFeatures(binner: binner, sample: .nominal, expectedEvents: n)
        var nominalWeights: [Double] = []
        nominalWeights.reserveCapacity(n)
        var varied = [[Double]](repeating: [], count: basePoints.count)
        for v in varied.indices { varied[v].reserveCapacity(n) }
        var produced = 0
        while produced < n {
            let count = min(chunk, n - produced)
            let x = makeChunk(count)
            try features.append(rows: x)
            for i in 0..<count {
                let row = i * nf
                // Scale-like log-ratio: linear and quadratic in (ν_R, ν_F), depending on a few features.
                let a = 0.1 * tanh(x[row] / 100) + 0.05 * x[row + 1]
                let b = 0.08 * x[row + 2] - 0.02 * x[row + 3]
                let c = 0.02 * x[row + 5] * x[row + 5]
                let w0 = 1.0
                nominalWeights.append(w0)
                for (v, nu) in basePoints.enumerated() {
                    varied[v].append(w0 * exp(nu[0] * a + nu[1] * b + nu[0] * nu[0] * c + 0.01 * nu[0] * nu[1]))
                }
            }
            produced += count
        }
        var samples: [BasePointSample] = []
        for v in varied.indices {
            samples.append(.reweighted(varied[v]))
            varied[v] = []
        }
        let data = BPTTrainingData(nominal: features, nominalWeights: nominalWeights, basePoints: samples)
        features = BinnedFeatures(binner: binner)
        nominalWeights = []
        samples = []
        let dataBytes = data.byteCount
        let setup = Double(DispatchTime.now().uptimeNanoseconds - setupStart) / 1e9
        let setupPeak = BenchSupport.peakRSSBytes()
        let settings = BPTSettings(trees: trees, learningRate: 0.2, maxDepth: 4, minNodeSize: 50)
        let trainer = try BPTTrainer(problem: problem, settings: settings, threads: threads)
        // Timed inline: a closure could not take ownership of `data`, and the trainer would copy
        // the weights when it reweights them.
        let start = DispatchTime.now().uptimeNanoseconds
        let model = try trainer.train(consume data)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let peak = BenchSupport.peakRSSBytes()
        print(String(format: "bpt paper scale (%d events × %d features, 8 reweighted base points, 5 terms, depth 4, "
            + "%d trees, %d threads): %.3f s/tree (target ≤ 0.3 s/tree); setup %.1f s", n, nf, trees, threads,
                     elapsed / Double(trees), setup))
        print(String(format: "bpt paper scale memory: peak RSS %.1f MiB, binned features + weights %.1f MiB, "
            + "ratio %.2f (target ≤ 1.5); peak RSS after data setup %.1f MiB; %d splits", Double(peak) / 1048576,
                     Double(dataBytes) / 1048576, Double(peak) / Double(dataBytes), Double(setupPeak) / 1048576,
                     model.splitCounts.reduce(0, +)))
    }
}
