import BoostedParametricTree
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What recording the loss on held-out events costs per tree (`refinery-bench bpt --only heldout`).
///
/// The same training data is trained three times with the same trees: without held-out events
/// (Algorithm 1), with a held-out part of one event per sample (the training-loss curve is
/// recorded, the held-out evaluation costs nothing), and with the real held-out part. The
/// differences, per tree and as a fraction of a tree's time, are the cost of the training-loss
/// curve and of the held-out loss. The fractions use the process's CPU time (all threads), which
/// other jobs on a shared machine disturb much less than wall time; wall time is printed too.
/// Two problems:
/// (a) paper-like reweighting: 8 scale-like base points, 14 features, `--events` nominal events
///     (default 300000) of which 20% are held out;
/// (b) two-point: one independent alternative sample, 14 features, `--events` per sample, 50%
///     held out (the setting of the normalization test).
enum BPTHeldOutBenchmarks {
    static let rounds = 3

    static func run(events: Int, trees: Int, threads: Int) throws {
        let nf = 14
        var rng = SplitMix64(seed: 11)
        func row() -> [Double] { (0..<nf).map { f in f % 2 == 0 ? rng.normal() : 2 * rng.uniform() - 1 } }
        let x0 = (0..<events).flatMap { _ in row() }
        // (a) reweighting: log-ratios linear and quadratic in (ν_R, ν_F).
        let scalePoints: [[Double]] = [[-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 1], [1, -1], [1, 0], [1, 1]]
        let scale = try ParametricProblem(parameterNames: ["muR", "muF"],
                                          termNames: [["muR"], ["muF"], ["muR", "muR"], ["muF", "muF"], ["muR", "muF"]],
                                          basePoints: scalePoints)
        let reweighted: [BasePointInput] = scalePoints.map { nu in
            .reweighted(weights: (0..<events).map { i in
                let a = 0.05 * x0[i * nf], b = 0.08 * x0[i * nf + 1], c = 0.02 * x0[i * nf + 2] * x0[i * nf + 2]
                return exp(nu[0] * a + nu[1] * b + nu[0] * nu[0] * c + 0.01 * nu[0] * nu[1])
            })
        }
        try measure(label: "8 reweighted base points", problem: scale, fraction: 0.2, trees: trees, threads: threads,
                    data: BPTTrainingData(nominalX: x0, featureCount: nf, basePoints: reweighted))
        // (b) two-point: the alternative's first feature is shifted.
        let x1 = (0..<events).flatMap { _ in var r = row(); r[0] += 0.1; return r }
        let twoPoint = try ParametricProblem(parameterNames: ["pow"], termNames: [["pow"]], basePoints: [[1]])
        try measure(label: "two-point, own alternative events", problem: twoPoint, fraction: 0.5, trees: trees,
                    threads: threads,
                    data: BPTTrainingData(nominalX: x0, featureCount: nf,
                                          basePoints: [.sample(x: x1, weights: nil)]))
    }

    static func measure(label: String, problem: ParametricProblem, fraction: Double, trees: Int, threads: Int,
                        data: BPTTrainingData) throws {
        let split = try HeldOutSplit(fraction: fraction, seed: 5)
        let (training, heldOut) = data.split(by: split)
        // One held-out event per sample: the curves' bookkeeping without the held-out work.
        let one = BPTTrainingData(nominal: heldOut.nominal.selecting(rows: [0]),
                                  nominalWeights: [heldOut.nominalWeights[0]],
                                  basePoints: heldOut.basePoints.map { bp in
                                      BasePointSample(features: bp.features?.selecting(rows: [0]), weights: [bp.weights[0]])
                                  })
        let trainer = try BPTTrainer(problem: problem, settings: BPTSettings(trees: trees), threads: threads)
        func cpuSeconds() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        /// (CPU, wall) seconds per tree.
        func seconds(_ heldOut: BPTTrainingData?) throws -> (cpu: Double, wall: Double) {
            let cpu = cpuSeconds(), start = DispatchTime.now().uptimeNanoseconds
            _ = try trainer.train(training, heldOut: heldOut)
            return ((cpuSeconds() - cpu) / Double(trees),
                    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(trees))
        }
        // Rounds interleave the three variants; each variant's fastest round is kept, since other
        // jobs on a shared machine only ever add time (cache and memory-bandwidth contention
        // inflate even CPU time).
        var rounds: [[(cpu: Double, wall: Double)]] = [[], [], []]
        for _ in 0..<Self.rounds {
            for (k, data) in [nil, one, heldOut].enumerated() { rounds[k].append(try seconds(data)) }
        }
        func fastest(_ k: Int) -> (cpu: Double, wall: Double) { (rounds[k].map(\.cpu).min()!, rounds[k].map(\.wall).min()!) }
        let plain = fastest(0), curveOnly = fastest(1), full = fastest(2)
        print(String(format: "bpt held-out loss (%@, %d training + %d held-out nominal events, 14 features, %d trees, "
            + "%d threads, fastest of %d rounds), CPU time per tree: tree %.2f ms; training-loss curve +%.2f ms (%.0f%% of a tree); "
            + "held-out loss +%.2f ms (%.0f%% of a tree); wall per tree %.2f / %.2f / %.2f ms",
                     label, training.nominal.count, heldOut.nominal.count, trees, threads, Self.rounds,
                     plain.cpu * 1e3, (curveOnly.cpu - plain.cpu) * 1e3, 100 * (curveOnly.cpu - plain.cpu) / plain.cpu,
                     (full.cpu - curveOnly.cpu) * 1e3, 100 * (full.cpu - curveOnly.cpu) / plain.cpu,
                     plain.wall * 1e3, curveOnly.wall * 1e3, full.wall * 1e3))
    }
}
