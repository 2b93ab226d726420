import Dispatch
import Foundation

/// Training with held-out events: loss curves, early stopping, and the held-out normalization.
extension BPTTrainer {
    /// Checks that the held-out events have the training data's structure: one sample per base
    /// point of the same kind (reweighted or own events), the same binner, matching lengths,
    /// finite weights. Labels the own-event samples like ``validate(_:)`` does.
    func validateHeldOut(_ heldOut: inout BPTTrainingData, training: BPTTrainingData) throws {
        let nv = problem.basePoints.count
        guard heldOut.basePoints.count == nv else {
            throw BPTError.invalidHeldOutData(sample: .nominal, reason: "it has \(heldOut.basePoints.count) base-point "
                + "samples but the problem has \(nv) base points; give one per base point, in the problem's order")
        }
        guard heldOut.nominal.binner == training.nominal.binner else {
            throw BPTError.invalidHeldOutData(sample: .nominal, reason: "its features were binned with a different "
                + "FeatureBinner; bin held-out events with the training nominal's binner")
        }
        try checkHeldOutWeights(.nominal, heldOut.nominalWeights, events: heldOut.nominal.count)
        for i in 0..<nv {
            let id = problem.sampleID(basePoint: i)
            let ownEvents = training.basePoints[i].features != nil
            guard (heldOut.basePoints[i].features != nil) == ownEvents else {
                throw BPTError.invalidHeldOutData(sample: id, reason: ownEvents
                    ? "training has its own events but the held-out sample is a reweighting of the nominal"
                    : "training reweights the nominal events but the held-out sample has its own events")
            }
            if var features = heldOut.basePoints[i].features {
                guard features.binner == training.nominal.binner else {
                    throw BPTError.invalidHeldOutData(sample: id, reason: "its features were binned with a different "
                        + "FeatureBinner; bin held-out events with the training nominal's binner")
                }
                if features.sample != id {
                    heldOut.basePoints[i].features = nil  // keep the codes uniquely referenced
                    features.sample = id
                    heldOut.basePoints[i].features = features
                }
            }
            try checkHeldOutWeights(id, heldOut.basePoints[i].weights,
                                    events: heldOut.basePoints[i].features?.count ?? heldOut.nominal.count)
        }
    }

    private func checkHeldOutWeights(_ id: SampleID, _ weights: [Double], events: Int) throws {
        guard weights.count == events else {
            throw BPTError.invalidHeldOutData(sample: id, reason: "its weight array has \(weights.count) entries for "
                + "\(events) events; pass one weight per event")
        }
        guard events > 0 else {
            throw BPTError.invalidHeldOutData(sample: id, reason: "it has no events; hold out a larger fraction")
        }
        if let i = weights.firstIndex(where: { !$0.isFinite }) {
            throw BPTError.invalidHeldOutData(sample: id, reason: "the weight of event \(i) is \(weights[i]); "
                + "weights must be finite")
        }
    }

    /// Runs `body` with an evaluator over the held-out events (original weights, never boosted).
    func withHeldOutEvaluator<R>(_ heldOut: BPTTrainingData, reweighted: [Int], own: [Int], executor: ParallelExecutor,
                                 _ body: (LossEvaluator) throws -> R) throws -> R {
        let codes = [heldOut.nominal.codes] + own.map { heldOut.basePoints[$0].features!.codes }
        let counts = [heldOut.nominal.count] + own.map { heldOut.basePoints[$0].features!.count }
        let weights = [heldOut.nominalWeights] + reweighted.map { heldOut.basePoints[$0].weights }
            + own.map { heldOut.basePoints[$0].weights }
        return try withPointers(codes) { codePointers in
            try withPointers(weights) { w in
                let groups = (0..<codes.count).map { g in
                    LossEvaluator.Group(codes: codePointers[g], count: counts[g],
                                        basePoints: g == 0 ? reweighted : [own[g - 1]],
                                        weights: g == 0 ? Array(w[1..<(1 + reweighted.count)])
                                            : [w[reweighted.count + g]],
                                        nominalWeights: g == 0 ? w[0] : nil)
                }
                let evaluator = LossEvaluator(groups: groups, basePointCount: problem.basePoints.count,
                                              featureCount: heldOut.nominal.featureCount, boostedWeights: false,
                                              executor: executor)
                return try body(evaluator)
            }
        }
    }

    /// Boosting (Algorithm 1) with the loss of the boosted model recorded on the training and
    /// the held-out events after every tree, early stopping on the held-out loss, and the
    /// held-out normalization. The trees grown are exactly those of the default path; only
    /// how many are kept and the optional normalization tree differ.
    func boostWithHeldOut(grower: TreeGrower<BPTSplitCriterion>, objective: NodeObjective, groups: [RowGroup], groupOfChannel: [Int],
                          channelOf: [Int], weights: UnsafeMutablePointer<UnsafeMutablePointer<Double>>,
                          executor: ParallelExecutor, trees: inout [BPTTree], training: LossEvaluator,
                          heldOut: LossEvaluator, progress: ((Int, Int) -> Void)?,
                          phaseTimes: BPTPhaseTimes?) throws -> BPTValidationRecord {
        let eta = settings.learningRate
        let patience = settings.earlyStoppingPatience
        var trainingLoss = [training.evaluate()]
        var heldOutLoss = [heldOut.evaluate()]
        var routings: [BinnedTree] = []
        var scaledPredictions: [[[Double]]] = []
        var best = 0
        for b in 0..<settings.trees {
            var start = phaseTimes.map { _ in DispatchTime.now().uptimeNanoseconds }
            let (tree, leaves, bins) = grower.grow()
            trees.append(tree)
            reweight(leaves: leaves, objective: objective, channelOf: channelOf, groups: groups,
                     groupOfChannel: groupOfChannel, weights: weights, executor: executor)
            if let phaseTimes, let s = start { start = phaseTimes.add(\.growing, since: s) }
            let predictions = leaves.map { objective.predictions(coefficients: $0.coefficients) }
            let routing = BinnedTree(tree: tree, splitBins: bins)
            trainingLoss.append(training.advance(tree: routing, predictions: predictions, eta: eta))
            if let phaseTimes, let s = start { start = phaseTimes.add(\.trainingCurve, since: s) }
            heldOutLoss.append(heldOut.advance(tree: routing, predictions: predictions, eta: eta))
            if let phaseTimes, let s = start { _ = phaseTimes.add(\.heldOutLoss, since: s); phaseTimes.treeDone() }
            routings.append(routing)
            scaledPredictions.append(predictions.map { $0.map { eta * $0 } })
            progress?(b + 1, settings.trees)
            if patience > 0 {
                // Strictly lower only: on ties the earlier (smaller) model is kept.
                if heldOutLoss[b + 1] < heldOutLoss[best] {
                    best = b + 1
                } else if b + 1 - best >= patience {
                    break
                }
            }
        }
        let selected = patience > 0 ? best : trees.count
        trees.removeLast(trees.count - selected)
        var logRatios: [Double]? = nil
        if settings.heldOutNormalization {
            let c = try normalizationLogRatios(training: training, heldOut: heldOut,
                                               trees: Array(routings.prefix(selected)),
                                               scaledPredictions: Array(scaledPredictions.prefix(selected)),
                                               executor: executor)
            logRatios = c
            trees.append(normalizationTree(logRatios: c))
        }
        let nominalEvents = heldOut.groups[0].count
        var events = [Int](repeating: nominalEvents, count: 1 + problem.basePoints.count)
        for group in heldOut.groups.dropFirst() { events[1 + group.basePoints[0]] = group.count }
        return BPTValidationRecord(split: nil, trainingLoss: trainingLoss, heldOutLoss: heldOutLoss,
                                   selectedTrees: selected, heldOutEvents: events, normalizationLogRatios: logRatios)
    }

    /// c_ν = log(W_ν/W₀) − log(Σ_{h.o. D₀} w e^{T(x|ν)} / Σ_{h.o. D₀} w) per base point.
    ///
    /// The first term is the samples' rate σ(ν)/σ(0): the partition-independent log σ(ν) of
    /// eq. (C.25), from the full samples' summed weights (training plus held-out; totals do not
    /// overfit). The second is the shape trees' own rate, measured on held-out nominal events:
    /// on the training events the trees' fluctuations make it biased (overfitting), on
    /// independent events it is not. The surrogate's rate over the held-out nominal events then
    /// equals the samples' rate exactly.
    private func normalizationLogRatios(training: LossEvaluator, heldOut: LossEvaluator, trees: [BinnedTree],
                                        scaledPredictions: [[[Double]]], executor: ParallelExecutor) throws -> [Double] {
        let nv = problem.basePoints.count
        let nominal = heldOut.groups[0]
        let w0 = training.nominalTotal + heldOut.nominalTotal
        guard w0 > 0 else { throw BPTError.normalizationUndefined(sample: .nominal, value: w0) }
        guard heldOut.nominalTotal > 0 else {
            throw BPTError.normalizationUndefined(sample: .nominal, value: heldOut.nominalTotal)
        }
        let rates = nominalExpSums(columns: heldOut.columns[0], weights: nominal.nominalWeights!, trees: trees,
                                   scaledPredictions: scaledPredictions, basePointCount: nv, executor: executor)
        return try (0..<nv).map { v in
            let wv = training.basePointTotals[v] + heldOut.basePointTotals[v]
            guard wv > 0 else { throw BPTError.normalizationUndefined(sample: problem.sampleID(basePoint: v), value: wv) }
            guard rates[v] > 0 else {
                throw BPTError.normalizationUndefined(sample: problem.sampleID(basePoint: v), value: rates[v])
            }
            return log(wv / w0) - log(rates[v] / heldOut.nominalTotal)
        }
    }

    /// The root-level eq. (C.29) term as a tree without splits: C_A = [V⁻¹]_AB Σ_ν ν_B c_ν,
    /// stored as C_A/η because prediction multiplies every tree by η (eq. C.32).
    private func normalizationTree(logRatios c: [Double]) -> BPTTree {
        let nv = problem.basePoints.count
        let coefficients = (0..<problem.terms.count).map { a in
            var s = 0.0
            for v in 0..<nv { s += design.solver[a * nv + v] * c[v] }
            return s / settings.learningRate
        }
        return BPTTree(splitFeature: [], threshold: [], left: [], right: [], leafCoefficients: [coefficients])
    }
}
