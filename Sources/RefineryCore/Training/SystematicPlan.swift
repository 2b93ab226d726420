import BoostedParametricTree
import Foundation
import PluginHost

/// Everything that determines one systematic's surrogate, resolved before anything runs:
/// the plugin (path, identity, kind, spec), its configuration and the learner settings.
public struct SystematicPlan: Codable, Sendable {
    public var name: String
    public var pluginName: String
    public var pluginPath: String
    /// SHA-256 of the plugin binary: its identity.
    public var pluginSHA256: String
    public var pluginVersion: String
    public var kind: SystematicKind
    /// The configuration block as canonical JSON text (sorted keys).
    public var configJSON: String
    public var spec: SystematicSpec
    public var settings: BPTSettings
    /// The workspace's held-out split (used only when `settings` need held-out events).
    public var heldOut: HeldOutSplit?

    public init(name: String, pluginName: String, pluginPath: String, pluginSHA256: String, pluginVersion: String,
                kind: SystematicKind, configJSON: String, spec: SystematicSpec, settings: BPTSettings) {
        self.name = name
        self.pluginName = pluginName
        self.pluginPath = pluginPath
        self.pluginSHA256 = pluginSHA256
        self.pluginVersion = pluginVersion
        self.kind = kind
        self.configJSON = configJSON
        self.spec = spec
        self.settings = settings
    }

    /// Learner settings: plugin defaults, overridden by the workspace's `learner`, then by the
    /// systematic's own `learner`, then by a command-line tree count (demo).
    public static func settings(spec: SystematicSpec, workspace: WorkspaceConfig.LearnerOverride,
                         entry: WorkspaceConfig.LearnerOverride?, trees: Int?) throws -> BPTSettings {
        var settings = BPTSettings(trees: spec.trees, learningRate: spec.learningRate, maxDepth: spec.maxDepth,
                                   minNodeSize: spec.minNodeSize)
        for layer in [workspace, entry].compactMap({ $0 }) { try layer.apply(to: &settings) }
        if let trees { try settings.set("trees", to: Double(trees)) }
        return settings
    }

    /// The learner's view of the problem (checks ranks and names).
    func problem() throws -> ParametricProblem {
        try ParametricProblem(parameterNames: spec.nuisances, terms: spec.terms.map { PolynomialTerm($0) },
                              basePoints: spec.basePoints)
    }
}

extension ConfigValue {
    /// Canonical JSON (sorted keys) for plugins and identity hashes.
    static func json(_ table: [String: ConfigValue]?) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let table, let data = try? encoder.encode(table) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
