import Foundation

/// Trains a Boosted Parametric Tree (Algorithm 1): B CART trees with the loss of eq. (C.31),
/// leaf coefficients from eq. (C.29), and after each tree the reweighting of every base-point
/// sample by exp(−η t*(x|ν)) (eq. C.13); the nominal sample never changes.
///
/// Usage:
/// ```swift
/// let trainer = try BPTTrainer(problem: problem, settings: BPTSettings(trees: 300), threads: 2)
/// let model = try trainer.train(consume data) { done, total in print("\(done)/\(total)") }
/// ```
/// Results are bit-identical for any `threads`.
public final class BPTTrainer: Sendable {
    public let problem: ParametricProblem
    public let settings: BPTSettings
    public let threads: Int
    let design: DesignMatrix

    /// Validates the settings and the problem (including the rank of the base points).
    public init(problem: ParametricProblem, settings: BPTSettings = BPTSettings(),
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        try settings.validate()
        try problem.validate()
        self.problem = problem
        self.settings = settings
        self.threads = max(1, threads)
        self.design = try problem.designMatrix()
    }

    /// Trains on data the trainer may consume; pass it with `consume` so that the weight arrays
    /// are reweighted in place instead of copied.
    ///
    /// `heldOut`: events of the same base points not used for training (same structure and
    /// binner, e.g. from ``BPTTrainingData/split(by:)``). With them the trainer records the loss
    /// of eqs. (C.12)/(C.31) on the training and on the held-out events after every tree
    /// (``BPTModel/validation``), and can stop early (``BPTSettings/earlyStoppingPatience``) and
    /// fix the rates from held-out events (``BPTSettings/heldOutNormalization``). Without them
    /// and with default settings the model is exactly Algorithm 1's, bit for bit.
    ///
    /// `phaseTimes`, when given, receives the wall time of each phase (benchmarks).
    public func train(_ data: consuming BPTTrainingData, heldOut: consuming BPTTrainingData? = nil,
                      progress: ((Int, Int) -> Void)? = nil, phaseTimes: BPTPhaseTimes? = nil) throws -> BPTModel {
        try train(updating: &data, heldOut: heldOut, progress: progress, phaseTimes: phaseTimes)
    }

    /// Splits `data` with `split` (``BPTTrainingData/split(by:)``), trains on the training part
    /// with the rest as held-out events, and records the split in ``BPTModel/validation``.
    public func train(_ data: consuming BPTTrainingData, holdingOut split: HeldOutSplit,
                      progress: ((Int, Int) -> Void)? = nil) throws -> BPTModel {
        try validate(&data)
        var (training, heldOut) = data.split(by: split)
        data = BPTTrainingData(nominal: BinnedFeatures(binner: training.nominal.binner), nominalWeights: [],
                               basePoints: [])
        let model = try train(updating: &training, heldOut: heldOut, progress: progress)
        guard var validation = model.validation else { preconditionFailure("held-out training records validation") }
        validation.split = split
        return BPTModel(settings: model.settings, parameterNames: model.parameterNames, terms: model.terms,
                        basePoints: model.basePoints, featureCount: model.featureCount, trees: model.trees,
                        validation: validation)
    }

    /// Trains and leaves the boosted base-point weights w^(B) (eq. C.13) in `data`: what is left
    /// of each base point's deviation from the nominal after removing the model,
    /// w_i^(B) = w_i exp(−T(x_i|ν)). Useful as a closure diagnostic. (With early stopping the
    /// weights are those after the last tree grown, which may be more than the trees kept.)
    ///
    /// `progress(done, total)` is called on the calling thread after every tree.
    public func train(updating data: inout BPTTrainingData, heldOut: BPTTrainingData? = nil,
                      progress: ((Int, Int) -> Void)? = nil, phaseTimes: BPTPhaseTimes? = nil) throws -> BPTModel {
        try validate(&data)
        var heldOut = heldOut
        if heldOut == nil {
            if settings.earlyStoppingPatience > 0 { throw BPTError.heldOutDataRequired(setting: "earlyStoppingPatience") }
            if settings.heldOutNormalization { throw BPTError.heldOutDataRequired(setting: "heldOutNormalization") }
        } else {
            try validateHeldOut(&heldOut!, training: data)
        }
        let binner = data.nominal.binner
        let nv = problem.basePoints.count
        // Channels: 0 nominal, then reweighted base points, then base points with own events.
        let reweighted = (0..<nv).filter { data.basePoints[$0].features == nil }
        let own = (0..<nv).filter { data.basePoints[$0].features != nil }
        var channelOf = [Int](repeating: 0, count: nv)
        for (k, i) in reweighted.enumerated() { channelOf[i] = 1 + k }
        for (k, i) in own.enumerated() { channelOf[i] = 1 + reweighted.count + k }
        let channelCount = 1 + nv
        // Histogram slots, group by group: [nominal, reweighted..., count₀], then per base point
        // with its own events [weight, count].
        let slotOfChannel = (0..<channelCount).map { c in
            c <= reweighted.count ? c : reweighted.count + 2 + 2 * (c - reweighted.count - 1)
        }

        // Take ownership of the weight arrays (a move, not a copy) for pointer access.
        var boxes = [ArrayBox<Double>](repeating: ArrayBox([]), count: channelCount)
        boxes[0] = ArrayBox(data.nominalWeights)
        data.nominalWeights = []
        for i in 0..<nv {
            boxes[channelOf[i]] = ArrayBox(data.basePoints[i].weights)
            data.basePoints[i].weights = []
        }
        defer {
            data.nominalWeights = boxes[0].array
            for i in 0..<nv { data.basePoints[i].weights = boxes[channelOf[i]].array }
        }
        let codes = [data.nominal.codes] + own.map { data.basePoints[$0].features!.codes }
        let counts = [data.nominal.count] + own.map { data.basePoints[$0].features!.count }
        let layout = HistogramLayout(
            featureCount: binner.featureCount,
            binStride: (0..<binner.featureCount).map(binner.binCount(feature:)).max() ?? 1,
            channelCount: channelCount, groupCount: codes.count,
            binCounts: (0..<binner.featureCount).map(binner.binCount(feature:)))
        let countSlots = [reweighted.count + 1] + own.indices.map { slotOfChannel[1 + reweighted.count + $0] + 1 }
        let objective = NodeObjective(basePointCount: nv, termCount: problem.terms.count,
                                      slotOfBasePoint: channelOf.map { slotOfChannel[$0] },
                                      weightSlots: slotOfChannel, countSlots: countSlots,
                                      minNodeSize: Double(settings.minNodeSize), design: design)
        let executor = ParallelExecutor(threads: threads)
        var trees: [BPTTree] = []
        trees.reserveCapacity(settings.trees)

        var validation: BPTValidationRecord? = nil
        try withMutablePointers(boxes) { weights in
            try withPointers(codes) { codePointers in
                let channelPointers = UnsafeMutablePointer<UnsafeMutablePointer<Double>>.allocate(capacity: channelCount)
                channelPointers.initialize(from: weights, count: channelCount)
                var groups: [RowGroup] = []
                for g in 0..<codes.count {
                    let firstChannel = g == 0 ? 0 : 1 + reweighted.count + (g - 1)
                    let channelTotal = g == 0 ? 1 + reweighted.count : 1
                    groups.append(RowGroup(
                        codes: codePointers[g], count: counts[g],
                        indices: .allocate(capacity: counts[g]), scratch: .allocate(capacity: counts[g]),
                        slotStart: slotOfChannel[firstChannel], channelCount: channelTotal,
                        weights: channelPointers + firstChannel))
                }
                defer {
                    for group in groups { group.indices.deallocate(); group.scratch.deallocate() }
                    channelPointers.deallocate()
                }
                let groupOfChannel = (0..<channelCount).map { c in
                    c == 0 ? 0 : (c <= reweighted.count ? 0 : c - reweighted.count)
                }
                let criterion = BPTSplitCriterion(objective: objective,
                                                  finder: SplitFinder(layout: layout, objective: objective, executor: executor))
                let grower = TreeGrower(groups: groups, layout: layout, criterion: criterion, binner: binner,
                                        maxDepth: settings.maxDepth, executor: executor)
                guard let heldOut else {
                    // Algorithm 1 as published: the default path, unchanged.
                    for b in 0..<settings.trees {
                        let start = phaseTimes.map { _ in DispatchTime.now().uptimeNanoseconds }
                        let (tree, leaves, _) = grower.grow()
                        trees.append(tree)
                        reweight(leaves: leaves, objective: objective, channelOf: channelOf, groups: groups,
                                 groupOfChannel: groupOfChannel, weights: channelPointers, executor: executor)
                        if let phaseTimes, let start { phaseTimes.add(\.growing, since: start); phaseTimes.treeDone() }
                        progress?(b + 1, settings.trees)
                    }
                    return
                }
                // The training events' evaluator reads the live (boosted) weights; it is built
                // before the first tree, while they are still the original ones.
                let trainingGroups = (0..<codes.count).map { g in
                    LossEvaluator.Group(
                        codes: codePointers[g], count: counts[g],
                        basePoints: g == 0 ? reweighted : [own[g - 1]],
                        weights: g == 0 ? reweighted.map { UnsafePointer(channelPointers[channelOf[$0]]) }
                            : [UnsafePointer(channelPointers[channelOf[own[g - 1]]])],
                        nominalWeights: g == 0 ? UnsafePointer(channelPointers[0]) : nil)
                }
                let trainingLoss = LossEvaluator(groups: trainingGroups, basePointCount: nv,
                                                 featureCount: binner.featureCount, boostedWeights: true,
                                                 executor: executor)
                validation = try withHeldOutEvaluator(heldOut, reweighted: reweighted, own: own,
                                                      executor: executor) { heldOutLoss in
                    try boostWithHeldOut(grower: grower, objective: objective, groups: groups,
                                         groupOfChannel: groupOfChannel, channelOf: channelOf,
                                         weights: channelPointers, executor: executor, trees: &trees,
                                         training: trainingLoss, heldOut: heldOutLoss, progress: progress,
                                         phaseTimes: phaseTimes)
                }
            }
        }
        var modelSettings = settings
        modelSettings.bins = binner.maxBins
        return BPTModel(settings: modelSettings, parameterNames: problem.parameterNames, terms: problem.terms,
                        basePoints: problem.basePoints, featureCount: binner.featureCount, trees: trees,
                        validation: validation)
    }

    /// w_i ← exp(−η t*(x_i|ν)) w_i for every base point ν (eq. C.13), with
    /// t*(x|ν) = ν_A Δ_{A,j(x)}: one factor per (leaf, base point), applied to the leaf's rows.
    /// Base points run in parallel; each touches only its own weight array.
    func reweight(leaves: [TreeLeaf], objective: NodeObjective, channelOf: [Int], groups: [RowGroup],
                          groupOfChannel: [Int], weights: UnsafeMutablePointer<UnsafeMutablePointer<Double>>,
                          executor: ParallelExecutor) {
        let eta = settings.learningRate
        let predictions = leaves.map { objective.predictions(coefficients: $0.coefficients) }
        executor.forEach(channelOf.count) { v in
            let channel = channelOf[v]
            let g = groupOfChannel[channel]
            let w = weights[channel]
            let indices = groups[g].indices
            for (j, leaf) in leaves.enumerated() {
                let factor = exp(-eta * predictions[j][v])
                for i in leaf.node.begin[g]..<leaf.node.end[g] { w[Int(indices[i])] *= factor }
            }
        }
    }
}
