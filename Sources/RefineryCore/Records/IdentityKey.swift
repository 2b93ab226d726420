import BoostedParametricTree
import EventData
import Foundation
import Provenance

/// The identity of a surrogate: a hash of everything that determines it (section 6.4). Equal
/// keys mean the surrogate on disk is what training would produce again, so it is reused.
public struct SurrogateIdentity: Codable, Sendable, Equatable {
    /// Bumped whenever the learner's output for the same inputs may change.
    public static let learnerVersion = "bpt-\(BPTModel.formatVersion).1"

    public var systematic: String
    public var pluginSHA256: String
    public var configJSON: String
    public var nominalSHA256: String
    /// The alternative sample's manifest hash, for two-point systematics.
    public var alternativeSHA256: String?
    public var settings: BPTSettings
    public var learnerVersion: String
    public var nuisances: [String]
    public var terms: [[Int]]
    public var basePoints: [[Double]]
    /// The held-out split, when training holds events out (settings that use held-out events,
    /// or validation.hold_out_test_events); nil otherwise, and then not encoded: keys of
    /// surrogates trained on all events are those of earlier versions.
    public var heldOut: HeldOutSplit?

    public init(plan: SystematicPlan, nominalSHA256: String, alternativeSHA256: String?) {
        systematic = plan.name
        pluginSHA256 = plan.pluginSHA256
        configJSON = plan.configJSON
        self.nominalSHA256 = nominalSHA256
        self.alternativeSHA256 = alternativeSHA256
        settings = plan.settings
        learnerVersion = Self.learnerVersion
        nuisances = plan.spec.nuisances
        terms = plan.spec.terms
        basePoints = plan.spec.basePoints
        heldOut = plan.heldOut
    }

    /// SHA-256 of the canonical JSON (sorted keys) of every field.
    public var key: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return FileHash.sha256((try? encoder.encode(self)) ?? Data())
    }

    /// Learner settings as recorded in the store.
    /// Every setting of the learner's table by its snake-case key; settings added after the
    /// first five appear only when they differ from their default, so that surrogates recorded
    /// before they existed compare equal.
    var settingsRecord: [String: Double] {
        let original: Set<String> = ["trees", "learningRate", "maxDepth", "minNodeSize", "bins"]
        var record: [String: Double] = [:]
        for parameter in BPTSettings.parameters {
            guard let value = settings.value(of: parameter.name) else { continue }
            if original.contains(parameter.name) || value != parameter.defaultValue { record[SettingKey.snake(parameter.name)] = value }
        }
        return record
    }

    /// The store entry this identity would produce (ids filled in when recorded).
    func entry(plan: SystematicPlan, artifactID: Int64, seed: UInt64, closureFigures: [String], runID: Int64) -> SurrogateEntry {
        SurrogateEntry(artifactID: artifactID, systematic: systematic, nuisances: nuisances, terms: terms,
                       basePoints: basePoints, settings: settingsRecord, seed: seed, identityKey: key,
                       pluginSHA256: pluginSHA256, pluginName: plan.pluginName, pluginVersion: plan.pluginVersion,
                       pluginPath: plan.pluginPath, configJSON: configJSON, nominalSHA256: nominalSHA256,
                       learnerVersion: learnerVersion, closureFigures: closureFigures, runID: runID,
                       alternativeSHA256: alternativeSHA256)
    }
}
