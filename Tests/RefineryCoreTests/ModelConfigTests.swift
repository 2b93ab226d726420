import BoostedParametricTree
import Foundation
import RefineryCore
import XCTest

/// The `smeft:` and `model:` sections of refinery.yaml are read strictly: every refusal names
/// the file and the field; the defaults are the paper's (sections 7.1, 7.2).
final class ModelConfigTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("model-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    func load(_ sections: String, systematics: String = "\n  - name: scale\n    plugin: Scale\n  - name: HF\n    plugin: BTagging") throws -> WorkspaceConfig {
        let url = directory.appendingPathComponent("refinery.yaml")
        try """
        schema: 1
        name: t
        simulation: {nominal_events: 1000, alternative_events: 1000, seed: 1, cross_section_pb: 0.31}
        learner: {}
        systematics: \(systematics)
        demo: {nominal_events: 1000, alternative_events: 1000, trees: 5}
        \(sections)
        """.write(to: url, atomically: true, encoding: .utf8)
        return try WorkspaceConfig.load(from: url)
    }

    func assertRefused(_ sections: String, systematics: String? = nil, field: String, mentioning words: [String] = [],
                       file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try systematics.map { try load(sections, systematics: $0) } ?? load(sections), file: file, line: line) { error in
            let text = error.localizedDescription
            XCTAssertTrue(text.contains("refinery.yaml") && text.contains("'\(field)'"), text, file: file, line: line)
            for word in words { XCTAssertTrue(text.contains(word), "'\(word)' in \(text)", file: file, line: line) }
        }
    }

    func testDefaultsAreThePapers() throws {
        let config = try load("smeft: {}\nmodel: {}")
        let settings = try (config.smeft?.learner ?? .init()).settings()
        XCTAssertEqual(settings, BITSettings(trees: 300, learningRate: 0.2, maxDepth: 4, minNodeSize: 50, bins: 255))
        XCTAssertEqual(config.smeft?.polynomialOrder, 2)
        XCTAssertEqual(config.model?.luminosity, 137)
        XCTAssertEqual(config.model?.lumiAlpha, 1.05)
        XCTAssertEqual(config.model?.normAlpha, 1.15)
        XCTAssertTrue(config.declaresLikelihood)
        XCTAssertFalse(try load("").declaresLikelihood, "a workspace without a model keeps its surrogates' identities")
        XCTAssertEqual(try (WorkspaceConfig.SmeftLearner(values: ["trees": 40])).settings(trees: 7).trees, 7, "--trees wins")
    }

    func testBadSectionsAreRefusedNamingTheField() {
        assertRefused("model:\n  floating: [nu_norm, nu_norm]", field: "model.floating[1]", mentioning: ["declared twice"])
        assertRefused("model:\n  systematics: [scael]", field: "model.systematics[0]", mentioning: ["Did you mean 'scale'"])
        assertRefused("model:\n  systematics: [scale, scale]", field: "model.systematics[1]", mentioning: ["listed twice"])
        assertRefused("smeft: {pois: [ctGRe]}\nmodel:\n  pois: [ctGIm]", field: "model.pois[0]", mentioning: ["smeft.pois"])
        assertRefused("model:\n  alpha_norm: 0", field: "model.alpha_norm")
        assertRefused("model:\n  luminosty_fb: 100", field: "model.luminosty_fb", mentioning: ["Did you mean 'luminosity_fb'"])
        assertRefused("model:\n  pairs: [ctGRe]", field: "model.pairs[0]")
        assertRefused("smeft: {order: 3}", field: "smeft.order")
        assertRefused("smeft: {learner: {trees: 0}}", field: "smeft.learner.trees")
        assertRefused("smeft: {learner: {max_dept: 3}}", field: "smeft.learner.max_dept", mentioning: ["max_depth"])
        assertRefused("smeft: {pois: [ctGRe, ctGRe]}", field: "smeft.pois[1]", mentioning: ["listed twice"])
        assertRefused("smeft: {}", systematics: "\n  - name: Smeft\n    plugin: Scale", field: "systematics[0].name",
                      mentioning: ["reserved for the SMEFT surrogate"])
    }

    /// The repository's workspace declares the paper's SMEFT surrogate and model.
    func testDefaultWorkspaceDeclaresTheSMEFTSurrogateAndTheModel() throws {
        let config = try WorkspaceConfig.load(from: DefaultWorkspaceTests.configuration)
        XCTAssertEqual(config.smeft?.pois, ["ctGRe", "ctGIm", "cQj18", "cQj38", "ctj8"])
        XCTAssertEqual(try config.smeft?.learner?.settings(), BITSettings(trees: 300, learningRate: 0.2, maxDepth: 4, minNodeSize: 50))
        XCTAssertEqual(config.model?.luminosity, 137)
        XCTAssertNil(config.model?.systematics, "every systematic enters")
    }
}
