import XCTest
import BoostedParametricTree

/// The held-out normalization on the two-point toy of issue 15 (true rate change +7.30%).
///
/// Algorithm 1 on independent samples learns a rate that falls short of the truth: its trees
/// fit the fluctuations of both training samples, and the rate the surrogate gives the nominal
/// events is biased low, increasingly so with noise features. Fixing each base point's rate
/// from held-out events (a root-level eq. C.29 term) removes the bias.
///
/// Setup: 10⁵ events per sample, half held out (seed-dependent split), B = 300, depth 4, at
/// least 500 events per node, η = 0.2. The rate is measured on 2·10⁵ fresh nominal events
/// (neither trained on nor used for the normalization) and averaged over 3 seeds. Its
/// statistical precision, from the seed-to-seed spread (≈ 0.13 pp: the normalization is a mean
/// of S over 5·10⁴ held-out events, the evaluation one over 2·10⁵), is ≈ 0.08 pp for the mean;
/// the criterion is the 0.1 pp. Measured (mean of the 3 seeds, fresh events):
/// - 2 features: normalized +7.26%, Algorithm 1 alone +7.43% (in-sample +6.32%);
/// - 14 features (12 noise): normalized +7.23%, Algorithm 1 alone +5.88% (in-sample +0.80%).
final class HeldOutNormalizationTests: XCTestCase {
    static let events = 100_000
    static let seeds: [UInt64] = [1, 2, 3]
    static let evaluationEvents = 200_000
    static let settings = BPTSettings(trees: 300, learningRate: 0.2, maxDepth: 4, minNodeSize: 500,
                                      heldOutNormalization: true)

    struct Rates {
        var normalizedHeldOut = 0.0, normalizedFresh = 0.0
        var plainHeldOut = 0.0, plainFresh = 0.0, plainTraining = 0.0
    }

    /// Rate changes Σ w S(x|1) / Σ w − 1 in percent, with and without the normalization tree,
    /// over the held-out nominal events, over fresh nominal events and (without) over the
    /// training nominal events.
    func rates(features nf: Int, seed: UInt64) throws -> Rates {
        let data = try TwoPointToy.data(events: Self.events, features: nf, seed: seed)
        let x0 = TwoPointToy.nominal(Self.events, features: nf, seed: seed)
        let split = try HeldOutSplit(fraction: 0.5, seed: seed &* 31)
        let model = try BPTTrainer(problem: TwoPointToy.problem(), settings: Self.settings, threads: 2)
            .train(data, holdingOut: split)
        XCTAssertTrue(model.validation!.hasNormalizationTree)
        XCTAssertEqual(model.trees.last!.splitCount, 0, "the normalization is a root-only tree")
        let plain = model.truncated(to: model.trees.count - 1)
        let (training, heldOut) = split.split(rows: x0, featureCount: nf)
        let fresh = TwoPointToy.nominal(Self.evaluationEvents, features: nf, seed: seed &+ 1_000_003)
        // The normalization tree adds the same ν·C to every event: predict once without it.
        let offset = model.predict(x: Array(fresh.prefix(nf)), count: 1, nu: [1])[0]
            - plain.predict(x: Array(fresh.prefix(nf)), count: 1, nu: [1])[0]
        XCTAssertEqual(offset, model.validation!.normalizationLogRatios![0], accuracy: 1e-12,
                       "one base point, one term: C = c (eq. C.29 with V = 1)")
        func rates(_ x: [Double]) -> (plain: Double, normalized: Double) {
            let s = plain.ratio(x: x, count: x.count / nf, nu: [1], threads: 2)
            let mean = s.reduce(0, +) / Double(s.count)
            return (100 * (mean - 1), 100 * (mean * exp(offset) - 1))
        }
        let onHeldOut = rates(heldOut), onFresh = rates(fresh)
        return Rates(normalizedHeldOut: onHeldOut.normalized, normalizedFresh: onFresh.normalized,
                     plainHeldOut: onHeldOut.plain, plainFresh: onFresh.plain, plainTraining: rates(training).plain)
    }

    func testHeldOutNormalizationRecoversTheTrueRateWithTwoAndFourteenFeatures() throws {
        let truth = 100 * (TwoPointToy.trueRate - 1)
        for nf in [2, 14] {
            var mean = Rates()
            for seed in Self.seeds {
                let r = try rates(features: nf, seed: seed)
                print(String(format: "two-point toy, %d features, seed %d: normalized %.3f%% (held-out) %.3f%% (fresh); "
                    + "Algorithm 1 alone %.3f%% (training) %.3f%% (held-out) %.3f%% (fresh); truth %.2f%%",
                             nf, seed, r.normalizedHeldOut, r.normalizedFresh, r.plainTraining, r.plainHeldOut,
                             r.plainFresh, truth))
                // By construction the rate over the held-out nominal events is the samples' rate,
                // which here is exactly the truth (every alternative event weighs 1.073).
                XCTAssertEqual(r.normalizedHeldOut, truth, accuracy: 1e-9)
                XCTAssertLessThan(r.plainTraining, r.plainFresh, "in-sample, the shortfall is larger")
                mean.normalizedFresh += r.normalizedFresh / Double(Self.seeds.count)
                mean.plainFresh += r.plainFresh / Double(Self.seeds.count)
                mean.plainTraining += r.plainTraining / Double(Self.seeds.count)
            }
            print(String(format: "two-point toy, %d features, mean of %d seeds: normalized %.3f%%, Algorithm 1 alone "
                + "%.3f%% on fresh and %.3f%% on training events; truth %.2f%%", nf, Self.seeds.count,
                         mean.normalizedFresh, mean.plainFresh, mean.plainTraining, truth))
            XCTAssertEqual(mean.normalizedFresh, truth, accuracy: 0.1, "\(nf) features")
            if nf == 14 {
                // The documented shortfall of Algorithm 1 alone with noise features (issue 15
                // measured +6.2% for +7.30%): more than a percentage point on fresh events.
                XCTAssertLessThan(mean.plainFresh, truth - 1.0)
            }
        }
    }
}
