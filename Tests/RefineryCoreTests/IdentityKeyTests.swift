import BoostedParametricTree
import Foundation
import PluginHost
import RefineryCore
import XCTest

/// A surrogate's identity key is a hash of everything that determines it; it must not move
/// when nothing changed (or every stored surrogate would be retrained after an upgrade).
final class IdentityKeyTests: XCTestCase {
    func plan(config: String = "{\"component\":\"HF\"}") -> SystematicPlan {
        SystematicPlan(name: "HF", pluginName: "BTagging", pluginPath: "/opt/lib/libRefineryBTagging.so", pluginSHA256: String(repeating: "a", count: 64),
                       pluginVersion: "1.0.0", kind: .reweight, configJSON: config,
                       spec: SystematicSpec(nuisances: ["nu_HF"], terms: [[0], [0, 0]], basePoints: [[-1], [1]], trees: 300,
                                            learningRate: 0.2, maxDepth: 4, minNodeSize: 50),
                       settings: BPTSettings())
    }

    func testTheKeyOfAFixedPlanIsStable() {
        let identity = SurrogateIdentity(plan: plan(), nominalSHA256: String(repeating: "b", count: 64), alternativeSHA256: nil)
        XCTAssertEqual(identity.key, Self.recordedKey)
        XCTAssertEqual(identity.key, SurrogateIdentity(plan: plan(), nominalSHA256: String(repeating: "b", count: 64), alternativeSHA256: nil).key)
    }

    func testEveryInputMovesTheKey() {
        let base = SurrogateIdentity(plan: plan(), nominalSHA256: String(repeating: "b", count: 64), alternativeSHA256: nil).key
        XCTAssertNotEqual(SurrogateIdentity(plan: plan(config: "{}"), nominalSHA256: String(repeating: "b", count: 64), alternativeSHA256: nil).key, base)
        XCTAssertNotEqual(SurrogateIdentity(plan: plan(), nominalSHA256: String(repeating: "c", count: 64), alternativeSHA256: nil).key, base)
        XCTAssertNotEqual(SurrogateIdentity(plan: plan(), nominalSHA256: String(repeating: "b", count: 64), alternativeSHA256: "d").key, base)
        var moved = plan()
        moved.settings.trees = 100
        XCTAssertNotEqual(SurrogateIdentity(plan: moved, nominalSHA256: String(repeating: "b", count: 64), alternativeSHA256: nil).key, base)
        // Where the plugin is installed is not part of its identity: its hash is.
        var relocated = plan()
        relocated.pluginPath = "/elsewhere/libRefineryBTagging.so"
        XCTAssertEqual(SurrogateIdentity(plan: relocated, nominalSHA256: String(repeating: "b", count: 64), alternativeSHA256: nil).key, base)
    }

    /// Recorded when the step refactoring landed; the identity's encoded fields are those of 0f47774.
    static let recordedKey = "d684caea99858959530a47308d81b2aa3699263f313a4a6274a53f13aa6c6446"
}
