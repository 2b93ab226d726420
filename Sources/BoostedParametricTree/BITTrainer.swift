import Foundation

/// Trains the Boosted Information Tree for the SMEFT surrogate of eq. (67),
/// R̂(x|θ) = 1 + θ_a R̂_a(x) + θ_a θ_b R̂_ab(x) (a ≤ b), from per-event coefficients r_{i,A}
/// (appendix A; the BIT technique of the paper's refs. [9, 10], settings of section 7.1).
///
/// Each of B trees is a regression tree whose K = P + P(P+1)/2 outputs share the splits
/// (``BITSplitCriterion``: leaf value Σ w r_A / Σ w, gain Σ_A (Σ_L w r_A)²/Σ_L w + the same for
/// the right child), fitted to the residuals r_A − R̂_A^(b−1)(x); the model adds η times each
/// tree's leaf values. Binning, histograms (with the subtraction trick), threading and the
/// deterministic reductions are the BPT's: results are bit-identical for any `threads`.
///
/// ```swift
/// let trainer = try BITTrainer(poiNames: ["ctGRe", "ctGIm"], settings: BITSettings(), threads: 2)
/// let model = try trainer.train(consume data)
/// let r = model.predict(x: x, count: n, theta: [1, 0])   // R̂(x|θ) per event
/// ```
public final class BITTrainer: Sendable {
    public let poiNames: [String]
    public let settings: BITSettings
    public let threads: Int

    /// K = P + P(P+1)/2 for P POIs: 20 for the paper's five.
    public static func outputCount(poiCount p: Int) -> Int { p + p * (p + 1) / 2 }

    /// Validates the settings and the POI names (non-empty, unique, plain identifiers).
    public init(poiNames: [String], settings: BITSettings = BITSettings(),
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        try settings.validate()
        try BITModel.validate(poiNames: poiNames)
        self.poiNames = poiNames
        self.settings = settings
        self.threads = max(1, threads)
    }

    /// Trains on `data` (pass it with `consume`: the weights become the residual channels).
    /// `progress(done, total)` is called after every tree.
    ///
    /// - Complexity: per tree O(N · F · K) for the histograms (smaller children only below the
    ///   root) plus O(N · K) for the residual update.
    public func train(_ data: consuming BITTrainingData, progress: ((Int, Int) -> Void)? = nil) throws -> BITModel {
        let k = Self.outputCount(poiCount: poiNames.count)
        try validate(data, outputs: k)
        let binner = data.features.binner
        let n = data.features.count
        let weights = data.weights
        // Channel 0: w; channel 1 + A: w r_A, the residual coefficient times the weight (the
        // histograms sum weighted values; the residual update subtracts η w r̂_A).
        var boxes = [ArrayBox(weights)]
        data.coefficients.withUnsafeBufferPointer { r in
            for a in 0..<k { boxes.append(ArrayBox((0..<n).map { weights[$0] * r[$0 * k + a] })) }
        }
        data.coefficients = []
        let codes = data.features.codes
        let layout = HistogramLayout(
            featureCount: binner.featureCount,
            binStride: (0..<binner.featureCount).map(binner.binCount(feature:)).max() ?? 1,
            channelCount: 1 + k, groupCount: 1, binCounts: (0..<binner.featureCount).map(binner.binCount(feature:)))
        let executor = ParallelExecutor(threads: threads)
        let eta = settings.learningRate
        var trees: [BPTTree] = []
        trees.reserveCapacity(settings.trees)
        withMutablePointers(boxes) { channels in
            codes.withUnsafeBufferPointer { codes in
                let channelPointers = UnsafeMutablePointer<UnsafeMutablePointer<Double>>.allocate(capacity: 1 + k)
                channelPointers.initialize(from: channels, count: 1 + k)
                let group = RowGroup(codes: codes.baseAddress!, count: n, indices: .allocate(capacity: n),
                                     scratch: .allocate(capacity: n), slotStart: 0, channelCount: 1 + k,
                                     weights: channelPointers)
                defer { group.indices.deallocate(); group.scratch.deallocate(); channelPointers.deallocate() }
                let criterion = BITSplitCriterion(layout: layout, outputCount: k,
                                                  minNodeSize: Double(settings.minNodeSize), executor: executor)
                let grower = TreeGrower(groups: [group], layout: layout, criterion: criterion, binner: binner,
                                        maxDepth: settings.maxDepth, executor: executor)
                let w = UnsafePointer(channelPointers[0])
                for b in 0..<settings.trees {
                    let (tree, leaves, _) = grower.grow()
                    trees.append(tree)
                    // Residuals: w r_A ← w r_A − η w r̂_{A,j}; each output owns its channel.
                    executor.forEach(k) { a in
                        let channel = channelPointers[1 + a]
                        for leaf in leaves {
                            let step = eta * leaf.coefficients[a]
                            for i in leaf.node.begin[0]..<leaf.node.end[0] {
                                let row = Int(group.indices[i])
                                channel[row] -= step * w[row]
                            }
                        }
                    }
                    progress?(b + 1, settings.trees)
                }
            }
        }
        var modelSettings = settings
        modelSettings.bins = binner.maxBins
        return BITModel(settings: modelSettings, poiNames: poiNames, featureCount: binner.featureCount, trees: trees)
    }

    /// Lengths, finite values, enough events, positive total weight.
    private func validate(_ data: BITTrainingData, outputs k: Int) throws {
        let n = data.features.count
        guard data.outputCount == k else {
            throw BPTError.lengthMismatch(sample: .nominal, what: "SMEFT coefficient row", count: data.outputCount,
                                          expected: k)
        }
        guard data.weights.count == n else {
            throw BPTError.lengthMismatch(sample: .nominal, what: "weight array", count: data.weights.count, expected: n)
        }
        guard data.coefficients.count == n * k else {
            throw BPTError.lengthMismatch(sample: .nominal, what: "SMEFT coefficient array (events × \(k))",
                                          count: data.coefficients.count, expected: n * k)
        }
        var total = 0.0
        for (i, w) in data.weights.enumerated() {
            guard w.isFinite else { throw BPTError.nonFiniteWeight(sample: .nominal, event: i, value: w) }
            total += w
        }
        if let j = data.coefficients.firstIndex(where: { !$0.isFinite }) {
            throw BPTError.invalidProblem(reason: "SMEFT coefficient \(j % k) of event \(j / k) is "
                + "\(data.coefficients[j]); coefficients must be finite.")
        }
        guard n >= settings.minNodeSize else {
            throw BPTError.tooFewEvents(sample: .nominal, count: n, minNodeSize: settings.minNodeSize)
        }
        guard total > 0 else { throw BPTError.nonPositiveTotalWeight(sample: .nominal, total: total) }
    }
}
