import BoostedParametricTree
import Foundation
import Validation

/// Which events the classifier two-sample test of a surrogate uses (docs/validation.md).
///
/// Only events the surrogate was not trained on: the held-out part of its recorded split
/// (the nominal's fiducial row index; a data set with its own x, its own row index, as the
/// trainer split it). When D_ν's events are the nominal's (reweighted, or recalibrated x),
/// each underlying event goes to exactly one class — SM or varied — by a second split keyed
/// on the nominal event and seeded from the classifier's seed, so the two classes are
/// independent samples, as the binomial and permutation nulls assume; an independent
/// alternative sample keeps all its held-out events.
public enum C2STEvents {
    /// D_ν for the test: its events and, for a recalibrated sample, the nominal event of each row.
    public enum Varied {
        /// The nominal fiducial events with D_ν's weights (reweighting).
        case reweighted(weights: [Double])
        /// The nominal's events with new x; `events[r]` is row r's nominal event (``RecalibratedDataContract``).
        case recalibrated(WeightedSample, events: [Int])
        /// An independent sample (two-point).
        case independent(WeightedSample)
    }

    /// The reference D_SM and the varied D_ν (with D_ν's own weights) for one base point.
    /// - Parameters:
    ///   - nominal: the nominal fiducial events.
    ///   - nominalEvents: the nominal event index of each fiducial row.
    public static func samples(nominal: WeightedSample, nominalEvents: [Int], varied: Varied,
                               split: HeldOutSplit, seed: UInt64) throws -> (reference: WeightedSample, varied: WeightedSample) {
        guard nominalEvents.count == nominal.count else {
            throw C2STError.shape(detail: "\(nominalEvents.count) event indices for \(nominal.count) nominal fiducial events")
        }
        let heldOut = split.partition(count: nominal.count).heldOut
        let classes = try HeldOutSplit(fraction: 0.5, seed: seed ^ 0x636C_6173_7365_7300)  // "classes"
        let smRows = heldOut.filter { classes.isHeldOut(nominalEvents[$0]) }
        switch varied {
        case let .independent(own):
            return (nominal.selecting(heldOut), own.selecting(split.partition(count: own.count).heldOut))
        case let .reweighted(weights):
            guard weights.count == nominal.count else {
                throw C2STError.shape(detail: "the varied data set has \(weights.count) weights, the nominal fiducial sample \(nominal.count) events")
            }
            let varied = try WeightedSample(x: nominal.x, w: weights, featureCount: nominal.featureCount)
            return (nominal.selecting(smRows), varied.selecting(heldOut.filter { !classes.isHeldOut(nominalEvents[$0]) }))
        case let .recalibrated(own, events):
            // Rows held out as the trainer held them out (own row index), then only those whose
            // nominal event is not in the SM class: no event meets its twin across the classes
            // (without this, measured on tt2l's JES: accuracy 0.48, far *below* 1/2).
            guard events.count == own.count else {
                throw C2STError.shape(detail: "the recalibrated data set has \(own.count) rows and \(events.count) event indices")
            }
            let rows = split.partition(count: own.count).heldOut.filter { !classes.isHeldOut(events[$0]) }
            return (nominal.selecting(smRows), own.selecting(rows))
        }
    }

    /// The test at ν: D_SM against D_ν reweighted by 1/Ŝ(x|ν) = exp(−T(x|ν)) (eq. 92), and
    /// against D_ν as it is.
    public static func test(model: BPTModel, nu: [Double], reference: WeightedSample, varied: WeightedSample,
                            settings: ClassifierSettings, threads: Int) throws -> TwoSampleTest.Result {
        let t = model.predict(x: varied.x, count: varied.count, nu: nu, threads: threads)
        return try TwoSampleTest.run(reference: reference, reweighted: varied.reweighted(by: t.map { exp(-$0) }),
                                     unreweighted: varied, settings: settings, threads: threads)
    }
}
