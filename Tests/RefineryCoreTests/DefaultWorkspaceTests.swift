import Foundation
import RefineryCore
import XCTest

/// The default workspace the README's `make demo` runs on is part of the repository (a clean
/// clone must have it) and describes the analysis of section 7 of the paper.
final class DefaultWorkspaceTests: XCTestCase {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let configuration = repository.appendingPathComponent("workspaces/tt2l/refinery.yaml")

    func testDefaultWorkspaceIsVersionedAndDescribesSection7() throws {
        XCTAssertTrue(FileManager.default.fileExists(atPath: Self.configuration.path),
                      "\(Self.configuration.path) is missing: is it ignored by .gitignore?")
        let config = try WorkspaceConfig.load(from: Self.configuration)
        XCTAssertEqual(config.schema, 1)
        XCTAssertEqual(config.name, "tt2l")
        XCTAssertEqual(config.simulation.nominalEvents, 1_200_000, "the paper's nominal sample (section 7.1)")
        XCTAssertEqual(config.simulation.crossSectionPb, 0.31)
        XCTAssertEqual(config.learner.trees, 300)
        XCTAssertEqual(config.learner.learningRate, 0.2)
        XCTAssertEqual(config.learner.maxDepth, 4)
        XCTAssertEqual(config.systematics.map(\.name), ["scale", "POW", "JES", "HF", "LF", "lepton"])
        XCTAssertEqual(config.systematics.map(\.plugin),
                       ["Scale", "TwoPoint", "JetEnergyScale", "BTagging", "BTagging", "LeptonEfficiency"])
        XCTAssertLessThan(config.demo.nominalEvents, config.simulation.nominalEvents)
    }

    /// Everything else in a workspace folder is generated and must stay out of git.
    func testGeneratedOutputsAreIgnoredButTheConfigurationIsNot() throws {
        let ignore = try String(contentsOf: Self.repository.appendingPathComponent(".gitignore"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        XCTAssertTrue(ignore.contains("/workspaces/*/*"), "generated outputs under workspaces/*/ are ignored")
        XCTAssertTrue(ignore.contains("!/workspaces/*/refinery.yaml"), "the workspace configuration is versioned")
    }
}
