import BoostedParametricTree
import Foundation
import PluginHost
import RefineryCore
import XCTest

/// Learner settings come in layers: the plugin's defaults, the workspace's `learner`, the
/// systematic's own `learner`, then `--trees`; ranges are the learner's table's, everywhere.
final class SettingsLayeringTests: XCTestCase {
    let spec = SystematicSpec(nuisances: ["nu"], terms: [[0]], basePoints: [[1]], trees: 300, learningRate: 0.2,
                              maxDepth: 4, minNodeSize: 500)

    func testLaterLayersOverrideEarlierOnes() throws {
        let workspace = WorkspaceConfig.LearnerOverride(values: ["trees": 200, "learningRate": 0.1])
        let entry = WorkspaceConfig.LearnerOverride(values: ["trees": 150, "bins": 64])
        let settings = try SystematicPlan.settings(spec: spec, workspace: workspace, entry: entry, trees: nil)
        XCTAssertEqual(settings, BPTSettings(trees: 150, learningRate: 0.1, maxDepth: 4, minNodeSize: 500, bins: 64))
        XCTAssertEqual(try SystematicPlan.settings(spec: spec, workspace: workspace, entry: entry, trees: 12).trees, 12)
        let plain = try SystematicPlan.settings(spec: spec, workspace: .init(), entry: nil, trees: nil)
        XCTAssertEqual(plain.minNodeSize, 500, "the plugin's default survives when nothing overrides it")
    }

    /// refinery.yaml accepts exactly what the learner accepts (bins 256, depth 20 were refused
    /// there and accepted by `fit`).
    func testWorkspaceRangesAreTheLearnersTable() throws {
        for (key, value) in [("bins", 256.0), ("maxDepth", 20.0)] {
            XCTAssertNoThrow(try WorkspaceConfig.LearnerOverride(values: [key: value]).validate(at: "learner", path: "refinery.yaml"))
        }
        for (key, value) in [("bins", 257.0), ("maxDepth", 31.0), ("learningRate", 0.0), ("trees", 2.5)] {
            XCTAssertThrowsError(try WorkspaceConfig.LearnerOverride(values: [key: value]).validate(at: "learner", path: "refinery.yaml")) { error in
                XCTAssertTrue("\(error.localizedDescription)".contains("learner.\(SettingKey.snake(key))"), "\(error.localizedDescription)")
            }
        }
        XCTAssertEqual(Set(WorkspaceConfig.LearnerOverride.allowedKeys), Set(BPTSettings.parameters.map { SettingKey.snake($0.name) }))
    }

    /// docs/workspace-config.md carries the table generated from the learner's declaration.
    func testTheDocumentedTableIsTheDeclaredOne() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/workspace-config.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        XCTAssertTrue(text.contains(LearnerSettingsHelp.markdownTable), "regenerate the learner table in docs/workspace-config.md:\n\(LearnerSettingsHelp.markdownTable)")
    }
}
