import BoostedParametricTree
import Foundation
import Validation

/// Which events the classifier two-sample test of a surrogate uses (docs/validation.md).
///
/// Only events the surrogate was not trained on: the held-out part of its recorded split
/// (the nominal's event index; an independent sample's own index). When D_ν's events are the
/// nominal's (reweighted, or recalibrated x), each held-out event goes to exactly one class —
/// SM or varied — by a second split seeded from the classifier's seed, so the two classes are
/// independent samples, as the binomial and permutation nulls assume; an independent
/// alternative sample keeps all its held-out events.
public enum C2STEvents {
    /// The reference D_SM and the varied D_ν (with D_ν's own weights) for one base point.
    /// - Parameters:
    ///   - own: D_ν's own events when it has its own x (nil: the nominal's x, `weights` per nominal event).
    ///   - independent: whether `own` is an independent sample (two-point) rather than the nominal's events recalibrated.
    public static func samples(nominal: WeightedSample, own: WeightedSample?, weights: [Double], independent: Bool,
                               split: HeldOutSplit, seed: UInt64) throws -> (reference: WeightedSample, varied: WeightedSample) {
        let heldOut = split.partition(count: nominal.count).heldOut
        if let own, independent {
            return (nominal.selecting(heldOut), own.selecting(split.partition(count: own.count).heldOut))
        }
        // A recalibrated sample holds the nominal's events with new x. When its selection moved
        // events (JES: events migrate in and out of the fiducial region) its rows no longer say
        // which nominal event they are, the classes cannot be made disjoint, and a classifier
        // would recognize an event's twin across the classes (measured: accuracy 0.48, far
        // *below* 1/2, on tt2l's JES): refused rather than passed (docs/validation.md).
        if let own, own.count != nominal.count {
            throw C2STError.unalignedEvents(varied: own.count, nominal: nominal.count)
        }
        let classes = try HeldOutSplit(fraction: 0.5, seed: seed ^ 0x636C_6173_7365_7300)  // "classes"
        let smRows = heldOut.filter { classes.isHeldOut($0) }
        let variedRows = heldOut.filter { !classes.isHeldOut($0) }
        let varied = try own ?? WeightedSample(x: nominal.x, w: weights, featureCount: nominal.featureCount)
        guard varied.count == nominal.count else {
            throw C2STError.shape(detail: "the varied data set has \(varied.count) weights, the nominal fiducial sample \(nominal.count) events")
        }
        return (nominal.selecting(smRows), varied.selecting(variedRows))
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
