import BoostedParametricTree
import Foundation
@testable import RefineryCore
@testable import Validation
import XCTest

/// The classifier two-sample test of section 7.6 on a systematic whose effect is visible only
/// in two dimensions (``ToySystematic``).
final class TwoSampleTestTests: XCTestCase {
    static let events = ToySystematic.events(40_000, seed: 2025)

    /// 1-D closure (docs/closure.md) of a surrogate on the toy's training base point.
    func closure(_ model: BPTModel) -> ClosureReport {
        let e = Self.events
        return ClosureCheck.run(systematic: "toy", model: model, nominalX: e.x, nominalW: e.w0,
                                names: (0..<ToySystematic.features).map { "x\($0)" },
                                basePoints: ToySystematic.basePoints, samples: [.init(x: nil, w: e.w1)], threads: 2)
    }

    func testFlawedSurrogatePassesOneDimensionalClosureButFailsTheClassifierTest() throws {
        let flawed = try ToySystematic.surrogate(Self.events, maxDepth: 1)
        XCTAssertTrue(closure(flawed).closes, "the depth-1 surrogate should close in every projection")
        let result = try ToySystematic.c2st(Self.events, model: flawed)
        XCTAssertLessThan(result.pValue, 0.01, "accuracy \(result.accuracy)")
        XCTAssertEqual(result.permutationPValue, 1.0 / 11, "every permuted classifier is below the observed accuracy")
        print("flawed (depth 1): \(result)")
    }

    func testCorrectSurrogatePassesAndTheTestHasPower() throws {
        let correct = try ToySystematic.surrogate(Self.events, maxDepth: 3)
        XCTAssertTrue(closure(correct).closes)
        let result = try ToySystematic.c2st(Self.events, model: correct)
        XCTAssertGreaterThan(result.pValue, 0.05, "accuracy \(result.accuracy), n_eff \(result.testEffectiveEvents)")
        let unreweighted = try XCTUnwrap(result.pValueUnreweighted)
        XCTAssertLessThan(unreweighted, 0.01, "D_ν itself must be told apart: accuracy \(result.accuracyUnreweighted ?? .nan)")
        // The permutation null agrees with the binomial one (mean 1/2, spread ≤ its sd, within
        // the scatter of 10 classifiers).
        print("correct (depth 3): \(result)")
        let nulls = result.nullAccuracies
        let mean = nulls.reduce(0, +) / Double(nulls.count)
        XCTAssertEqual(mean, 0.5, accuracy: 3 * result.binomialSD / Double(nulls.count).squareRoot() + 1e-3)
    }

    func testSameResultWithOneAndTwoThreads() throws {
        let model = try ToySystematic.surrogate(Self.events, maxDepth: 1)
        var settings = ClassifierSettings()
        settings.nullClassifiers = 3
        let one = try ToySystematic.c2st(Self.events, model: model, settings: settings, threads: 1)
        let two = try ToySystematic.c2st(Self.events, model: model, settings: settings, threads: 2)
        let again = try ToySystematic.c2st(Self.events, model: model, settings: settings, threads: 2)
        XCTAssertEqual(one, two)
        XCTAssertEqual(two, again)
    }

    /// The binomial tail against scipy.stats.binom.sf, computed independently in a subprocess.
    func testBinomialPValueMatchesScipy() throws {
        let cases: [(Double, Double)] = [(0.5, 1000), (0.51, 10_000), (0.503, 250_000.4), (0.49, 5000), (0.55, 20_000), (0.5001, 1_200_000)]
        let list = "[" + cases.map { "(\($0.0), \($0.1))" }.joined(separator: ", ") + "]"
        let script = "import math, scipy.stats as s\nfor a, n in \(list):\n"
            + "    n = int(round(n)); k = max(0, math.ceil(a * n - 1e-9))\n    print(repr(float(s.binom.sf(k - 1, n, 0.5))))\n"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "python3 with scipy is needed (scripts/ensure-deps.sh)")
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: "\n").compactMap { Double($0) }
        XCTAssertEqual(expected.count, cases.count)
        for ((accuracy, n), reference) in zip(cases, expected) {
            let p = BinomialNull.pValue(accuracy: accuracy, effectiveCount: n)
            XCTAssertEqual(p, reference, accuracy: 1e-9 + 1e-7 * reference, "accuracy \(accuracy), n \(n)")
        }
        XCTAssertEqual(BinomialNull.effectiveCount([1, 1, 2]), 16.0 / 6)
    }

    func testMissingLibraryNamesTheDebianPackage() {
        XCTAssertThrowsError(try XGBoostLibrary(candidates: ["/nonexistent/libxgboost.so.0"])) { error in
            let message = (error as? LocalizedError)?.errorDescription ?? ""
            XCTAssertTrue(message.contains("libxgboost-dev"), message)
            XCTAssertTrue(message.contains("/nonexistent/libxgboost.so.0"), message)
        }
    }

    func testXGBoostErrorIsSurfacedWithItsOwnText() throws {
        // Labels outside [0, 1] are refused by XGBoost's logistic objective: its own message must come through.
        let classifier = try XGBoostClassifier()
        let x = Array(Self.events.x.prefix(400)).map(Float.init)
        XCTAssertThrowsError(try classifier.fitPredict(x: x, labels: [Float](repeating: 2, count: 100), weights: [Float](repeating: 1, count: 100),
                                                       featureCount: 4, predictX: x, settings: ClassifierSettings(), threads: 1)) { error in
            guard case let .call(function, _, message)? = error as? XGBoostError else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("label"), message)
            XCTAssertTrue(function.hasPrefix("XGBoosterUpdateOneIter"), function)
            print("XGBoost's error as surfaced: \(error.localizedDescription)")
        }
    }

    func testNegativeWeightsTrainOnMagnitudesAndCountSigned() throws {
        // NLO-like samples (the alternative generator) carry negative weights, which XGBoost refuses.
        let e = Self.events
        let reference = try WeightedSample(x: Array(e.x.prefix(16000)), w: Array(e.w0.prefix(4000)), featureCount: 4)
        var varied = try WeightedSample(x: Array(e.x.suffix(16000)), w: Array(e.w0.suffix(4000)), featureCount: 4)
        for i in stride(from: 0, to: varied.count, by: 10) { varied.w[i] = -varied.w[i] }
        var settings = ClassifierSettings()
        settings.nullClassifiers = 0
        let result = try TwoSampleTest.run(reference: reference, reweighted: varied, unreweighted: nil, settings: settings, threads: 1)
        XCTAssertGreaterThan(result.pValue, 0.01, "\(result)")
    }

}
