import Foundation

extension BPTTrainer {
    /// Checks the training data against the problem and settings before any tree is grown:
    /// one sample per base point, matching lengths and binners, finite weights, enough events
    /// and positive total weight in every sample (otherwise even the root node is invalid).
    ///
    /// Also labels each base point's ``BinnedFeatures/sample`` with its index and coordinates.
    ///
    /// - Complexity: O(total events).
    func validate(_ data: inout BPTTrainingData) throws {
        let nv = problem.basePoints.count
        guard data.basePoints.count == nv else {
            throw BPTError.basePointCountMismatch(count: data.basePoints.count, expected: nv)
        }
        let binner = data.nominal.binner
        let n0 = data.nominal.count
        guard binner.featureCount > 0 else {
            throw BPTError.featureCountMismatch(sample: .nominal, count: 0, expected: 1)
        }
        guard data.nominalWeights.count == n0 else {
            throw BPTError.lengthMismatch(sample: .nominal, what: "weight array", count: data.nominalWeights.count,
                                          expected: n0)
        }
        try checkSample(.nominal, events: n0, weights: data.nominalWeights)
        for i in 0..<nv {
            let id = problem.sampleID(basePoint: i)
            if var features = data.basePoints[i].features {
                guard features.featureCount == binner.featureCount else {
                    throw BPTError.featureCountMismatch(sample: id, count: features.featureCount,
                                                        expected: binner.featureCount)
                }
                guard features.binner == binner else { throw BPTError.binnerMismatch(sample: id) }
                if features.sample != id {
                    data.basePoints[i].features = nil  // keep the codes uniquely referenced
                    features.sample = id
                    data.basePoints[i].features = features
                }
            }
            let events = data.basePoints[i].features?.count ?? n0
            guard data.basePoints[i].weights.count == events else {
                throw BPTError.lengthMismatch(sample: id, what: "weight array", count: data.basePoints[i].weights.count,
                                              expected: events)
            }
            try checkSample(id, events: events, weights: data.basePoints[i].weights)
        }
    }

    /// Finite weights, at least `minNodeSize` events, positive summed weight.
    private func checkSample(_ id: SampleID, events: Int, weights: [Double]) throws {
        var total = 0.0
        try weights.withUnsafeBufferPointer { w in
            for i in 0..<w.count {
                guard w[i].isFinite else { throw BPTError.nonFiniteWeight(sample: id, event: i, value: w[i]) }
                total += w[i]
            }
        }
        guard events >= settings.minNodeSize else {
            throw BPTError.tooFewEvents(sample: id, count: events, minNodeSize: settings.minNodeSize)
        }
        guard total > 0 else { throw BPTError.nonPositiveTotalWeight(sample: id, total: total) }
    }
}
