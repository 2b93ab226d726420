import BoostedParametricTree
import Foundation
import Inference

/// Evaluating every surrogate of the model on the nominal events: the coefficient cache that
/// `refinery limits` builds once before eq. (94) only sums (`refinery-bench limits --only
/// surrogates`, also part of the default run).
///
/// Paper scale: 1.2·10⁶ events × 14 features; the SMEFT BIT (five POIs, 20 outputs) and the six
/// systematics' BPTs with the term structures of eq. (82) (scale: ν_R, ν_F with 5 terms and 8
/// base points; POW, JES: 2 terms; LF, HF, lepton: 1 term), all at section 7.1's settings
/// (300 trees, depth 4, η = 0.2, at least 50 events per node). The models are trained on the
/// first `trainEvents` events of a seeded synthetic sample — the cost of evaluating a model
/// depends on its trees (count, depth, output width), not on how much data grew them — and
/// then evaluated on all events with `coefficients(x:count:threads:)`, the call the cache uses.
enum SurrogateEvaluationBenchmarks {
    static let featureCount = 14

    static func run(events n: Int, threads: Int, trees: Int = 300, trainEvents: Int = 20_000) throws {
        let nf = featureCount
        var rng = SeededGenerator(seed: 77)
        var x = [Double](repeating: 0, count: n * nf)
        for i in 0..<n {
            for f in 0..<nf {
                // Mixed shapes: exponential-like, Gaussian, uniform, discrete multiplicities.
                switch f % 4 {
                case 0: x[i * nf + f] = -log(max(rng.uniform(), 1e-300))
                case 1: x[i * nf + f] = rng.normal()
                case 2: x[i * nf + f] = 2 * rng.uniform() - 1
                default: x[i * nf + f] = Double(Int(rng.uniform() * 6))
                }
            }
        }
        let m = min(trainEvents, n)
        let train = Array(x[0..<(m * nf)])
        var models: [(name: String, width: Int, evaluate: ([Double], Int, Int) -> [Double])] = []
        let trainStart = Date()

        // SMEFT BIT: R̂ = (1 + θ·a)² + (θ·b)² with amplitudes depending on an energy-like and an
        // angle-like feature, as in `SyntheticModel`.
        let pois = ["ctGRe", "ctGIm", "cQj18", "cQj38", "ctj8"]
        let p = pois.count, k = BITTrainer.outputCount(poiCount: p)
        var coefficients = [Double](repeating: 0, count: m * k)
        for i in 0..<m {
            let e = train[i * nf], c = train[i * nf + 2]
            let a = [0.25 + 0.05 * e, 0.02 * c, 0.08 * e * (1 + 0.3 * c), 0.06 * e * (1 - 0.4 * c), 0.05 * e * c]
            let b = [0.01 * c, 0.15 * c * (1 + 0.5 * e), 0.01, 0.015 * c, 0.02]
            var col = p
            for u in 0..<p {
                coefficients[i * k + u] = 2 * a[u]
                for v in u..<p { coefficients[i * k + col] = (a[u] * a[v] + b[u] * b[v]) * (u == v ? 1 : 2); col += 1 }
            }
        }
        let bit = try BITTrainer(poiNames: pois, settings: BITSettings(trees: trees, learningRate: 0.2, maxDepth: 4, minNodeSize: 50),
                                 threads: threads)
            .train(try BITTrainingData(x: train, featureCount: nf, coefficients: coefficients, outputCount: k))
        models.append(("SMEFT (BIT)", k, { bit.coefficients(x: $0, count: $1, threads: $2) }))

        // Systematics: reweighted base points from a log-ratio polynomial in ν with feature-dependent slopes.
        let systematics: [(name: String, nuisances: [String], terms: [[String]], basePoints: [[Double]])] = [
            ("scale", ["nu_R", "nu_F"], [["nu_R"], ["nu_F"], ["nu_R", "nu_R"], ["nu_F", "nu_F"], ["nu_R", "nu_F"]],
             [[-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 1], [1, -1], [1, 0], [1, 1]]),
            ("POW", ["nu_POW"], [["nu_POW"], ["nu_POW", "nu_POW"]], [[-1], [1]]),
            ("JES", ["nu_JES"], [["nu_JES"], ["nu_JES", "nu_JES"]], [[-1], [1]]),
            ("LF", ["nu_LF"], [["nu_LF"]], [[1]]),
            ("HF", ["nu_HF"], [["nu_HF"]], [[1]]),
            ("lepton", ["nu_l"], [["nu_l"]], [[1]]),
        ]
        for (s, sys) in systematics.enumerated() {
            let problem = try ParametricProblem(parameterNames: sys.nuisances, termNames: sys.terms, basePoints: sys.basePoints)
            let inputs: [BasePointInput] = sys.basePoints.map { nu in
                .reweighted(weights: (0..<m).map { i in
                    let row = i * nf
                    var logRatio = 0.0
                    for (t, term) in problem.terms.enumerated() {
                        let slope = 0.02 * Double(t + 1) * (train[row + (s + t) % nf] - 0.5) + 0.01 * train[row + (s + 2 * t + 1) % nf]
                        logRatio += slope * term.parameters.reduce(1.0) { $0 * nu[$1] }
                    }
                    return exp(logRatio)
                })
            }
            let model = try BPTTrainer(problem: problem, settings: BPTSettings(trees: trees, learningRate: 0.2, maxDepth: 4, minNodeSize: 50),
                                       threads: threads)
                .train(try BPTTrainingData(nominalX: train, featureCount: nf, basePoints: inputs))
            models.append((sys.name, sys.terms.count, { model.coefficients(x: $0, count: $1, threads: $2) }))
        }
        print(String(format: "surrogates: %d models (%d trees, depth 4) trained on %d events in %.1f s (setup, not timed below)  [%@]",
                     models.count, trees, m, Date().timeIntervalSince(trainStart), InferenceBenchmarks.load()))

        var total = 0.0
        var doubles = 0
        for model in models {
            let start = Date()
            let values = model.evaluate(x, n, threads)
            let seconds = Date().timeIntervalSince(start)
            precondition(values.count == n * model.width, "\(model.name): \(values.count) coefficients for \(n) events × \(model.width)")
            total += seconds
            doubles += values.count
            print("  " + model.name.padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(format: " %2d outputs: %6.2f s  (%.0f events/s)", model.width, seconds, Double(n) / seconds))
        }
        print(String(format: "all %d surrogates on %d events (%d threads): %.2f s  (%.0f events/s through all of them), %.1f MB of coefficients  [%@]",
                     models.count, n, threads, total, Double(n) / total, Double(doubles * 8) / 1e6, InferenceBenchmarks.load()))
    }
}
