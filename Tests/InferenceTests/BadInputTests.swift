import EventData
import Foundation
import XCTest
@testable import Inference

/// Every refusal names what is wrong: the nuisance, the array and its shape, the event.
final class BadInputTests: XCTestCase {
    let weights = [1.0, 2.0, 3.0]

    func testNuisanceDeclaredTwice() {
        let f1 = SystematicFactor(name: "JES", nuisances: ["nu"], terms: [NuisanceTerm([0])], delta: [0, 0, 0])
        let f2 = SystematicFactor(name: "HF", nuisances: ["nu"], terms: [NuisanceTerm([0])], delta: [0, 0, 0])
        XCTAssertThrowsError(try AsimovModel(weights: weights, poiNames: ["c"], smeft: Array(repeating: 0.1, count: 6), factors: [f1, f2], luminosity: 1)) {
            XCTAssertEqual($0 as? InferenceError, .duplicateNuisance(name: "nu", firstFactor: "JES", secondFactor: "HF"))
            XCTAssertTrue($0.localizedDescription.contains("declared twice"))
        }
        XCTAssertThrowsError(try AsimovModel(weights: weights, poiNames: ["c"], smeft: Array(repeating: 0.1, count: 6),
                                             logNormal: [LogNormalFactor(name: "lumi", nuisance: "c", alpha: 1.05)], luminosity: 1))
    }

    func testWrongShapes() {
        XCTAssertThrowsError(try AsimovModel(weights: weights, poiNames: ["c"], smeft: Array(repeating: 0.1, count: 5), luminosity: 1)) {
            XCTAssertTrue($0.localizedDescription.contains("smeft: expected shape [3, 2]"), $0.localizedDescription)
        }
        let f = SystematicFactor(name: "JES", nuisances: ["nu"], terms: [NuisanceTerm([0]), NuisanceTerm([0, 0])], delta: [0, 0, 0])
        XCTAssertThrowsError(try AsimovModel(weights: weights, poiNames: ["c"], smeft: Array(repeating: 0.1, count: 6), factors: [f], luminosity: 1)) {
            XCTAssertTrue($0.localizedDescription.contains("JES delta: expected shape [3, 2]"), $0.localizedDescription)
        }
        let bad = SystematicFactor(name: "JES", nuisances: ["nu"], terms: [NuisanceTerm([1])], delta: [0, 0, 0])
        XCTAssertThrowsError(try AsimovModel(weights: weights, poiNames: ["c"], smeft: Array(repeating: 0.1, count: 6), factors: [bad], luminosity: 1))
    }

    func testNaNNamesArrayAndEvent() {
        var r = Array(repeating: 0.1, count: 6)
        r[3] = .nan
        XCTAssertThrowsError(try AsimovModel(weights: weights, poiNames: ["c"], smeft: r, luminosity: 1, source: "spec.json")) {
            XCTAssertEqual($0 as? InferenceError, .notFinite(array: "spec.json: smeft", event: 1, column: 1))
        }
    }

    func testNonPositiveRateNamesTheEvent() throws {
        // Event 2 has r_0 = −2: R̂(θ = 1) = 1 − 2 + 0 < 0.
        let model = try AsimovModel(weights: weights, poiNames: ["c"], smeft: [0.1, 0, 0.1, 0, -2, 0], luminosity: 1, source: "spec.json")
        let statistic = AsimovStatistic(model: model, threads: 2)
        XCTAssertEqual(statistic.evaluate([1.0], active: [], order: .value).badEvent, 2)
        XCTAssertThrowsError(try Profiler(statistic: statistic).profile(start: [1.0], free: [])) {
            XCTAssertTrue($0.localizedDescription.contains("spec.json") && $0.localizedDescription.contains("event 2"), $0.localizedDescription)
        }
    }

    func testUnknownParameterAndFloating() {
        XCTAssertThrowsError(try AsimovModel(weights: weights, poiNames: ["c"], smeft: Array(repeating: 0.1, count: 6), floating: ["nu_nrom"], luminosity: 1))
        let model = try! AsimovModel(weights: weights, poiNames: ["ctGRe"], smeft: Array(repeating: 0.1, count: 6),
                                     logNormal: [LogNormalFactor(name: "norm", nuisance: "nu_norm", alpha: 1.15)], luminosity: 1)
        XCTAssertThrowsError(try model.index(of: "nu_nrom")) { XCTAssertTrue($0.localizedDescription.contains("Did you mean 'nu_norm'?")) }
    }

    func testSpecUnknownKeyWrongShapeAndVersion() throws {
        let folder = PythonReference.temporaryFolder("spec")
        let spec = try SyntheticModel(events: 50, pois: 2, seed: 1).writeSpec(to: folder)
        XCTAssertNoThrow(try AsimovSpec.loadModel(spec))
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: spec)) as! [String: Any]
        json["lumnosity"] = 1
        let typo = folder.appendingPathComponent("typo.json")
        try JSONSerialization.data(withJSONObject: json).write(to: typo)
        XCTAssertThrowsError(try AsimovSpec.loadModel(typo)) {
            XCTAssertTrue($0.localizedDescription.contains("unknown key 'lumnosity'") && $0.localizedDescription.contains("Did you mean 'luminosity'?"), $0.localizedDescription)
        }
        json.removeValue(forKey: "lumnosity")
        json["version"] = 7
        try JSONSerialization.data(withJSONObject: json).write(to: typo)
        XCTAssertThrowsError(try AsimovSpec.loadModel(typo)) { XCTAssertTrue($0.localizedDescription.contains("version 7")) }
        // Weights of the wrong length.
        try NpyFile.write([1.0, 2.0], shape: [2], to: folder.appendingPathComponent("w.npy"))
        XCTAssertThrowsError(try AsimovSpec.loadModel(spec)) { XCTAssertTrue($0.localizedDescription.contains("smeft.npy"), $0.localizedDescription) }
    }
}
