import XCTest
import BoostedParametricTree

/// Every bad input is refused with a message naming the sample, event, feature or term involved.
final class InputValidationTests: XCTestCase {
    let problem = try! AnalyticToy.problem()

    func message(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            try body()
            XCTFail("expected an error", file: file, line: line)
            return ""
        } catch {
            return error.localizedDescription
        }
    }

    func assertContains(_ text: String, _ parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        for part in parts { XCTAssertTrue(text.contains(part), "'\(part)' missing in: \(text)", file: file, line: line) }
    }

    func reweightedInputs(_ n: Int) -> [BasePointInput] {
        problem.basePoints.map { _ in .reweighted(weights: [Double](repeating: 1, count: n)) }
    }

    func testNaNFeatureInNominalNamesEventAndFeature() {
        var x = (0..<200).map { Double($0 % 17) }
        x[2 * 7 + 1] = .nan
        let text = message { _ = try BPTTrainingData(nominalX: x, featureCount: 2, basePoints: reweightedInputs(100)) }
        assertContains(text, ["nominal", "event 7", "Feature 1", "nan"])
    }

    func testInfiniteFeatureInOwnSampleNamesBasePoint() throws {
        let binner = try FeatureBinner(fitting: (0..<100).map(Double.init), featureCount: 1)
        var own = (0..<100).map(Double.init)
        own[42] = .infinity
        let text = message {
            _ = try BinnedFeatures(binning: own, binner: binner, sample: problem.sampleID(basePoint: 3))
        }
        assertContains(text, ["base point 3 (nu=[0, 1])", "event 42", "Feature 0", "inf"])
    }

    func testNonFiniteWeightNamesBasePointAndEvent() throws {
        var inputs = reweightedInputs(100)
        var w = [Double](repeating: 1, count: 100)
        w[13] = .nan
        inputs[4] = .reweighted(weights: w)
        let data = try BPTTrainingData(nominalX: (0..<100).map(Double.init), featureCount: 1, basePoints: inputs)
        let trainer = try BPTTrainer(problem: problem, settings: BPTSettings(trees: 1, minNodeSize: 10))
        let text = message { _ = try trainer.train(consume data) }
        assertContains(text, ["base point 4 (nu=[0.5, 0.5])", "event 13", "nan"])
    }

    func testWeightLengthMismatchNamesSample() throws {
        var inputs = reweightedInputs(100)
        inputs[1] = .reweighted(weights: [Double](repeating: 1, count: 99))
        let data = try BPTTrainingData(nominalX: (0..<100).map(Double.init), featureCount: 1, basePoints: inputs)
        let text = message { _ = try BPTTrainer(problem: problem, settings: BPTSettings(minNodeSize: 10)).train(consume data) }
        assertContains(text, ["base point 1 (nu=[0, 0.5])", "99", "100"])
        let nominal = message {
            _ = try BPTTrainingData(nominalX: (0..<100).map(Double.init), featureCount: 3, basePoints: [])
        }
        assertContains(nominal, ["nominal", "100"])
    }

    func testBasePointCountMismatch() throws {
        let data = try BPTTrainingData(nominalX: (0..<100).map(Double.init), featureCount: 1,
                                       basePoints: Array(reweightedInputs(100).prefix(3)))
        let text = message { _ = try BPTTrainer(problem: problem).train(consume data) }
        assertContains(text, ["3 base-point samples", "5 base points"])
    }

    func testTooFewEventsForMinimumNodeSizeNamesSample() throws {
        var inputs = reweightedInputs(100)
        inputs[2] = .sample(x: (0..<30).map(Double.init), weights: nil)
        let data = try BPTTrainingData(nominalX: (0..<100).map(Double.init), featureCount: 1, basePoints: inputs)
        let text = message { _ = try BPTTrainer(problem: problem, settings: BPTSettings(minNodeSize: 50)).train(consume data) }
        assertContains(text, ["base point 2 (nu=[1, 0])", "30 events", "50"])
        let small = try BPTTrainingData(nominalX: (0..<40).map(Double.init), featureCount: 1, basePoints: reweightedInputs(40))
        assertContains(message { _ = try BPTTrainer(problem: problem).train(consume small) }, ["nominal", "40 events"])
    }

    func testNonPositiveTotalWeightNamesSample() throws {
        var inputs = reweightedInputs(100)
        inputs[0] = .reweighted(weights: (0..<100).map { $0 < 60 ? -1 : 1 })
        let data = try BPTTrainingData(nominalX: (0..<100).map(Double.init), featureCount: 1, basePoints: inputs)
        let text = message { _ = try BPTTrainer(problem: problem, settings: BPTSettings(minNodeSize: 10)).train(consume data) }
        assertContains(text, ["base point 0 (nu=[0.5, 0])", "-20"])
    }

    func testSamplesBinnedWithDifferentBinnerAreRefused() throws {
        let binner = try FeatureBinner(fitting: (0..<100).map(Double.init), featureCount: 1)
        let other = try FeatureBinner(fitting: (0..<100).map { Double($0) * 2 }, featureCount: 1)
        var samples = problem.basePoints.map { _ in BasePointSample.reweighted([Double](repeating: 1, count: 100)) }
        samples[3] = .sample(try BinnedFeatures(binning: (0..<100).map(Double.init), binner: other))
        let data = BPTTrainingData(nominal: try BinnedFeatures(binning: (0..<100).map(Double.init), binner: binner),
                                   basePoints: samples)
        let text = message { _ = try BPTTrainer(problem: problem, settings: BPTSettings(minNodeSize: 10)).train(consume data) }
        assertContains(text, ["base point 3 (nu=[0, 1])", "different FeatureBinner"])
    }

    func testDuplicateBasePointsAreRefused() {
        let text = message {
            _ = try ParametricProblem(parameterNames: ["a", "b"], termNames: [["a"], ["b"]],
                                      basePoints: [[1, 0], [0, 1], [1, 0]])
        }
        assertContains(text, ["Base point 2", "nu=[1, 0]", "base point 0"])
    }

    func testNominalPointAmongBasePointsIsRefused() {
        let text = message {
            _ = try ParametricProblem(parameterNames: ["a"], termNames: [["a"]], basePoints: [[1], [0]])
        }
        assertContains(text, ["Base point 1", "nominal point"])
    }

    func testRankDeficientBasePointsNameUndeterminedTermsAndSuggestPoints() throws {
        // ν₁ν₂ vanishes at every base point: its coefficient cannot be learned.
        let text = message {
            _ = try ParametricProblem(parameterNames: ["nu1", "nu2"],
                                      termNames: [["nu1"], ["nu2"], ["nu1", "nu2"]], basePoints: [[1, 0], [0, 1], [2, 0]])
        }
        assertContains(text, ["[nu1,nu2]", "rank 2", "3 terms", "Add base points such as"])
        XCTAssertFalse(text.contains("[nu1],"), text)
        // ν₁ and ν₁² are proportional when ν₁ only takes the value 1.
        do {
            _ = try ParametricProblem(parameterNames: ["nu1"], termNames: [["nu1"], ["nu1", "nu1"]], basePoints: [[1]])
            XCTFail("expected an error")
        } catch let BPTError.rankDeficient(terms, rank, count, suggestion) {
            XCTAssertEqual(terms, ["[nu1]", "[nu1,nu1]"])
            XCTAssertEqual(rank, 1)
            XCTAssertEqual(count, 2)
            let fixed = try ParametricProblem(parameterNames: ["nu1"], termNames: [["nu1"], ["nu1", "nu1"]],
                                              basePoints: [[1]] + suggestion)
            XCTAssertEqual(fixed.basePoints.count, 2, "the suggested points must make the problem solvable")
        }
    }

    func testUnknownParameterNameInTermIsRefused() {
        let text = message { _ = try ParametricProblem.terms(named: [["nu1"], ["nu3", "nu1"]], parameterNames: ["nu1", "nu2"]) }
        assertContains(text, ["'nu3'", "nu1", "nu2"])
    }

    func testBasePointDimensionMismatchIsRefused() {
        let text = message {
            _ = try ParametricProblem(parameterNames: ["a", "b"], termNames: [["a"]], basePoints: [[1, 0], [1]])
        }
        assertContains(text, ["Base point 1", "1 coordinates", "2 parameters"])
    }

    func testInvalidSettingsQuoteValueAndRange() {
        assertContains(message { try BPTSettings(learningRate: 0).validate() }, ["learningRate", "0", "(0, 1]"])
        assertContains(message { try BPTSettings(bins: 300).validate() }, ["bins", "300", "[2, 256]"])
        var settings = BPTSettings()
        assertContains(message { try settings.set("tres", to: 3) }, ["tres", "trees"])
        XCTAssertNoThrow(try settings.set("trees", to: 12))
        XCTAssertEqual(settings.trees, 12)
    }
}
