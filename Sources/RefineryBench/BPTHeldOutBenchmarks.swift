import BoostedParametricTree
import CVectorMath
import Foundation

/// What recording the loss on held-out events costs per tree (`refinery-bench bpt --only heldout`).
///
/// The same training data is trained with its held-out part, the trainer timing each phase of
/// every tree (``BPTPhaseTimes``): growing the tree and boosting the weights, the training-loss
/// curve, the held-out loss. Their ratios are the cost of the curves as a fraction of a tree.
/// The tree's time without held-out events (Algorithm 1) is printed beside, to show that
/// holding events out does not slow the tree itself.
/// Two problems:
/// (a) paper-like reweighting: 8 scale-like base points, 14 features, `--events` nominal events
///     (default 300000) of which 20% are held out;
/// (b) two-point: one independent alternative sample, 14 features, `--events` per sample, 50%
///     held out (the setting of the normalization test);
/// (c) the same with the shipped tt2l POW learner settings (`max_depth: 3`, `min_node_size: 500`,
///     `learning_rate: 0.2`): shallower trees, so a cheaper tree and routing.
enum BPTHeldOutBenchmarks {
    static let rounds = 5

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
        try measure(label: "8 reweighted base points", problem: scale, fraction: 0.2, settings: BPTSettings(trees: trees),
                    threads: threads, data: BPTTrainingData(nominalX: x0, featureCount: nf, basePoints: reweighted))
        // (b) two-point: the alternative's first feature is shifted.
        let x1 = (0..<events).flatMap { _ in var r = row(); r[0] += 0.1; return r }
        let twoPoint = try ParametricProblem(parameterNames: ["pow"], termNames: [["pow"]], basePoints: [[1]])
        let twoPointData = try BPTTrainingData(nominalX: x0, featureCount: nf, basePoints: [.sample(x: x1, weights: nil)])
        try measure(label: "two-point, own alternative events", problem: twoPoint, fraction: 0.5,
                    settings: BPTSettings(trees: trees), threads: threads, data: twoPointData)
        try measure(label: "two-point, tt2l POW settings: max_depth 3, min_node_size 500, learning_rate 0.2",
                    problem: twoPoint, fraction: 0.5,
                    settings: BPTSettings(trees: trees, learningRate: 0.2, maxDepth: 3, minNodeSize: 500),
                    threads: threads, data: twoPointData)
    }

    static func measure(label: String, problem: ParametricProblem, fraction: Double, settings: BPTSettings,
                        threads: Int, data: BPTTrainingData) throws {
        let trees = settings.trees
        let split = try HeldOutSplit(fraction: fraction, seed: 5)
        let (training, heldOut) = data.split(by: split)
        let trainer = try BPTTrainer(problem: problem, settings: settings, threads: threads)
        // Each phase is timed where it runs (`BPTPhaseTimes`); of several runs the fastest of each
        // phase is kept, since other jobs on a shared machine only ever add time.
        var growing: [Double] = [], curve: [Double] = [], held: [Double] = [], plain: [Double] = []
        for _ in 0..<Self.rounds {
            let times = BPTPhaseTimes()
            _ = try trainer.train(training, heldOut: heldOut, phaseTimes: times)
            growing.append(times.growing / Double(times.trees))
            curve.append(times.trainingCurve / Double(times.trees))
            held.append(times.heldOutLoss / Double(times.trees))
            let alone = BPTPhaseTimes()
            _ = try trainer.train(training, phaseTimes: alone)
            plain.append(alone.growing / Double(alone.trees))
        }
        let tree = growing.min()!, withoutHeldOut = plain.min()!, c = curve.min()!, h = held.min()!
        print(String(format: "bpt held-out loss (%@, %d training + %d held-out nominal events, 14 features, %d trees, "
            + "%d threads, fastest of %d rounds, log1p: %@), wall time per tree: tree %.2f ms (%.2f ms trained without "
            + "held-out events); training-loss curve %.2f ms (%.0f%% of a tree); held-out loss %.2f ms (%.0f%% of a tree)",
                     label, training.nominal.count, heldOut.nominal.count, trees, threads, Self.rounds,
                     String(cString: refinery_log1p_implementation()), tree * 1e3, withoutHeldOut * 1e3,
                     c * 1e3, 100 * c / tree, h * 1e3, 100 * h / tree))
    }
}
