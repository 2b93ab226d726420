import BoostedParametricTree
import Foundation

/// The classifier two-sample test of section 7.6 (figure 10) for one base point ν.
///
/// A classifier learns to tell the reference sample D_SM (label 0) from D_reweighted of
/// eq. (92) (label 1, the varied events with weights w/Ŝ(x|ν)); with Ŝ = dσ(x|ν)/dσ(x|SM)
/// (eq. 91) the two describe one distribution and its weighted accuracy on independent test
/// events is 1/2 up to fluctuations. The same classifier set-up is run on D_SM against the
/// unreweighted D_ν (figure 10's dashed line: the test's power) and on K label permutations
/// of D_SM ∪ D_reweighted (the null of figure 10's histogram).
///
/// Weights: in training each class is scaled to half the training events' count (balanced
/// classes, mean weight 1, so `min_child_weight` counts events); in testing each class to 1/2,
/// so that the weighted accuracy of a classifier that has learned nothing is 1/2.
/// Training/test halves: event j of class c is a test event iff the `HeldOutSplit(0.5,
/// seed ⊕ c-th constant)` holds it out; recorded by the seed.
public enum TwoSampleTest {
    public struct Result: Codable, Sendable, Equatable {
        /// Events of each side entering the test (training + test halves).
        public var referenceEvents: Int
        public var variedEvents: Int
        /// n_eff of the test half, (Σw̃)²/Σw̃² (the binomial null's n).
        public var testEffectiveEvents: Double
        /// Weighted accuracy: D_SM against D_reweighted (figure 10's solid line).
        public var accuracy: Double
        /// Weighted accuracy: D_SM against the unreweighted D_ν (figure 10's dashed line).
        public var accuracyUnreweighted: Double?
        /// Binomial-null p-values (one-sided, accuracy ≥ observed).
        public var pValue: Double
        public var pValueUnreweighted: Double?
        /// The permutation null: accuracies of K classifiers on label-permuted D_SM ∪ D_reweighted.
        public var nullAccuracies: [Double]
        /// (1 + #{null ≥ observed}) / (K + 1); nil for K = 0.
        public var permutationPValue: Double?
        /// √(1/(4 n_eff)): the binomial null's standard deviation, to compare with the permutation null's.
        public var binomialSD: Double
    }

    /// Runs the test. `unreweighted` is D_ν with its own weights (nil: not tested).
    public static func run(reference: WeightedSample, reweighted: WeightedSample, unreweighted: WeightedSample?,
                           settings: ClassifierSettings, threads: Int) throws -> Result {
        _ = try settings.validated()
        guard reference.featureCount == reweighted.featureCount else {
            throw C2STError.shape(detail: "the reference has \(reference.featureCount) features, the varied sample \(reweighted.featureCount)")
        }
        for (name, sample) in [("reference", reference), ("varied", reweighted)] + (unreweighted.map { [("unreweighted", $0)] } ?? []) {
            guard sample.count >= 20 else { throw C2STError.tooFewEvents(sample: name, count: sample.count) }
            if let i = sample.w.firstIndex(where: { !$0.isFinite }) {
                throw C2STError.nonFiniteWeight(sample: name, event: i, value: sample.w[i])
            }
            if let i = sample.x.firstIndex(where: { !$0.isFinite }) {
                throw C2STError.nonFiniteFeature(sample: name, event: i / sample.featureCount, feature: i % sample.featureCount)
            }
        }
        let classifier = try XGBoostClassifier()
        let halves = Halves(seed: settings.seed, referenceCount: reference.count, variedCount: reweighted.count)

        let observed = try accuracy(classifier, reference, reweighted, halves: halves, permutation: nil, settings: settings, threads: threads)
        let plain = try unreweighted.map {
            try accuracy(classifier, reference, $0, halves: halves, permutation: nil, settings: settings, threads: threads)
        }
        var nulls: [Double] = []
        for k in 0..<settings.nullClassifiers {
            let permutation = Self.permutation(count: reference.count + reweighted.count, seed: settings.seed, index: k)
            nulls.append(try accuracy(classifier, reference, reweighted, halves: halves, permutation: permutation,
                                      settings: settings, threads: threads).accuracy)
        }
        let pPermutation = nulls.isEmpty ? nil : Double(1 + nulls.filter { $0 >= observed.accuracy }.count) / Double(nulls.count + 1)
        return Result(referenceEvents: reference.count, variedEvents: reweighted.count, testEffectiveEvents: observed.effective,
                      accuracy: observed.accuracy, accuracyUnreweighted: plain?.accuracy,
                      pValue: BinomialNull.pValue(accuracy: observed.accuracy, effectiveCount: observed.effective),
                      pValueUnreweighted: plain.map { BinomialNull.pValue(accuracy: $0.accuracy, effectiveCount: $0.effective) },
                      nullAccuracies: nulls, permutationPValue: pPermutation,
                      binomialSD: (0.25 / max(observed.effective, 1)).squareRoot())
    }

    /// Which events of each class are test events (the rest train).
    struct Halves {
        var reference: [Bool]
        var varied: [Bool]
        init(seed: UInt64, referenceCount: Int, variedCount: Int) {
            let r = try! HeldOutSplit(fraction: 0.5, seed: seed ^ 0x7465_7374_2D72_6566)  // "test-ref"
            let v = try! HeldOutSplit(fraction: 0.5, seed: seed ^ 0x7465_7374_2D76_6172)  // "test-var"
            reference = (0..<referenceCount).map(r.isHeldOut)
            varied = (0..<variedCount).map(v.isHeldOut)
        }
    }

    /// A reproducible shuffle of the merged rows' labels (Fisher–Yates, SplitMix64 from
    /// (seed, k)): the label of merged row i is the original label of row permutation[i].
    static func permutation(count: Int, seed: UInt64, index: Int) -> [Int] {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15 &* (UInt64(index) &+ 0x1_0000)
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var p = Array(0..<count)
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                let j = Int(next() % UInt64(i + 1))
                p.swapAt(i, j)
            }
        }
        return p
    }

    /// Trains on the training halves and returns the weighted accuracy on the test halves.
    static func accuracy(_ classifier: XGBoostClassifier, _ a: WeightedSample, _ b: WeightedSample, halves: Halves,
                         permutation: [Int]?, settings: ClassifierSettings, threads: Int) throws -> (accuracy: Double, effective: Double) {
        let nf = a.featureCount
        let rows = a.count + b.count
        var labels = [Float](repeating: 0, count: rows)
        for i in a.count..<rows { labels[i] = 1 }
        if let permutation { labels = permutation.map { labels[$0] } }
        func weight(_ i: Int) -> Double { i < a.count ? a.w[i] : b.w[i - a.count] }
        func isTest(_ i: Int) -> Bool { i < a.count ? halves.reference[i] : halves.varied[i - a.count] }
        func feature(_ i: Int) -> ArraySlice<Double> {
            i < a.count ? a.x[(i * nf)..<((i + 1) * nf)] : b.x[((i - a.count) * nf)..<((i - a.count + 1) * nf)]
        }
        var trainX: [Float] = [], testX: [Float] = []
        var trainRows: [Int] = [], testRows: [Int] = []
        for i in 0..<rows {
            if isTest(i) { testRows.append(i); testX.append(contentsOf: feature(i).map(Float.init)) }
            else { trainRows.append(i); trainX.append(contentsOf: feature(i).map(Float.init)) }
        }
        // Class totals of each half, for the balancing described on the type. XGBoost refuses
        // negative weights (NLO-like samples have some): the classifier trains on |w| — any
        // classifier trained on other events gives a valid test — and the accuracy is measured
        // with the signed weights.
        func totals(_ set: [Int], _ f: (Double) -> Double) -> [Double] {
            var t = [0.0, 0.0]
            for i in set { t[Int(labels[i])] += f(weight(i)) }
            return t
        }
        let trainTotals = totals(trainRows, abs), testTotals = totals(testRows, { $0 })
        guard trainTotals.allSatisfy({ $0 > 0 }), testTotals.allSatisfy({ $0 > 0 }) else {
            throw C2STError.emptyClass(detail: "a class has no positive total weight in the training or test half")
        }
        let half = Double(trainRows.count) / 2
        let trainW = trainRows.map { Float(abs(weight($0)) * half / trainTotals[Int(labels[$0])]) }
        let probabilities = try classifier.fitPredict(x: trainX, labels: trainRows.map { labels[$0] }, weights: trainW,
                                                      featureCount: nf, predictX: testX, settings: settings, threads: threads)
        var correct = 0.0
        var testW: [Double] = []
        testW.reserveCapacity(testRows.count)
        for (j, i) in testRows.enumerated() {
            let label = Int(labels[i])
            let w = weight(i) * 0.5 / testTotals[label]
            testW.append(w)
            if (probabilities[j] > 0.5 ? 1 : 0) == label { correct += w }
        }
        return (correct, BinomialNull.effectiveCount(testW))
    }
}

public enum C2STError: LocalizedError, Equatable, Sendable {
    case invalidSetting(field: String, detail: String)
    case shape(detail: String)
    case tooFewEvents(sample: String, count: Int)
    case nonFiniteWeight(sample: String, event: Int, value: Double)
    case nonFiniteFeature(sample: String, event: Int, feature: Int)
    case emptyClass(detail: String)

    public var errorDescription: String? {
        switch self {
        case let .invalidSetting(field, detail): return "validation.\(field) \(detail)"
        case let .shape(detail): return "the two-sample test's events do not line up: \(detail)"
        case let .tooFewEvents(sample, count): return "the \(sample) sample has \(count) events; the two-sample test needs at least 20"
        case let .nonFiniteWeight(sample, event, value): return "event \(event) of the \(sample) sample has weight \(value); weights must be finite"
        case let .nonFiniteFeature(sample, event, feature): return "event \(event) of the \(sample) sample has a non-finite feature \(feature)"
        case let .emptyClass(detail): return "the two-sample test cannot run: \(detail)"
        }
    }
}

extension TwoSampleTest {
    /// The version of the XGBoost library in use ("1.7.4"); throws when it is not installed.
    public static func libraryVersion() throws -> String { try XGBoostLibrary.load().version }
}
