import Foundation
import GRDB

/// A trained surrogate (a row of `surrogates`): its model file and everything that determined
/// it. `identityKey` is the host's hash of plugin binary, plugin configuration, nominal sample,
/// learner settings and learner version: an equal key means the surrogate can be reused.
public struct SurrogateEntry: Codable, Sendable, Equatable {
    /// Nil until recorded; set in the entries the store returns.
    public var id: Int64?
    /// The model file's artifact (kind `surrogate`).
    public var artifactID: Int64
    public var systematic: String
    public var nuisances: [String]
    /// Polynomial terms as nuisance indices: [0] is ν₀, [0, 1] is ν₀ν₁.
    public var terms: [[Int]]
    public var basePoints: [[Double]]
    /// Learner settings by name (trees, learning_rate, max_depth, min_node_size, ...).
    public var settings: [String: Double]
    public var seed: UInt64
    public var identityKey: String
    public var pluginSHA256: String
    public var pluginName: String
    public var pluginVersion: String
    /// The plugin binary's path relative to the workspace (or as configured).
    public var pluginPath: String
    /// The plugin's configuration as JSON text.
    public var configJSON: String
    public var nominalSHA256: String
    /// The alternative sample's manifest hash, for two-point systematics.
    public var alternativeSHA256: String?
    public var learnerVersion: String
    /// Paths (relative to the workspace) of the closure-test figures.
    public var closureFigures: [String]
    /// The run that trained it.
    public var runID: Int64
    /// Set by the store when recorded.
    public var createdAt: Date?

    public init(artifactID: Int64, systematic: String, nuisances: [String], terms: [[Int]], basePoints: [[Double]],
                settings: [String: Double], seed: UInt64, identityKey: String, pluginSHA256: String, pluginName: String,
                pluginVersion: String, pluginPath: String, configJSON: String, nominalSHA256: String,
                learnerVersion: String, closureFigures: [String], runID: Int64, alternativeSHA256: String? = nil) {
        self.alternativeSHA256 = alternativeSHA256
        self.artifactID = artifactID
        self.systematic = systematic
        self.nuisances = nuisances
        self.terms = terms
        self.basePoints = basePoints
        self.settings = settings
        self.seed = seed
        self.identityKey = identityKey
        self.pluginSHA256 = pluginSHA256
        self.pluginName = pluginName
        self.pluginVersion = pluginVersion
        self.pluginPath = pluginPath
        self.configJSON = configJSON
        self.nominalSHA256 = nominalSHA256
        self.learnerVersion = learnerVersion
        self.closureFigures = closureFigures
        self.runID = runID
    }

    /// What differs from an earlier surrogate (for `history` and for saying why `train`
    /// retrains), in a fixed order; empty when everything that determines it is equal.
    public func changes(from earlier: SurrogateEntry) -> [SurrogateChange] {
        var changes: [SurrogateChange] = []
        if pluginSHA256 != earlier.pluginSHA256 { changes.append(.pluginBinary) }
        if pluginName != earlier.pluginName || pluginVersion != earlier.pluginVersion { changes.append(.pluginVersion) }
        if configJSON != earlier.configJSON { changes.append(.pluginConfiguration) }
        if nominalSHA256 != earlier.nominalSHA256 { changes.append(.nominalSample) }
        if alternativeSHA256 != earlier.alternativeSHA256 { changes.append(.alternativeSample) }
        if settings != earlier.settings { changes.append(.learnerSettings) }
        if learnerVersion != earlier.learnerVersion { changes.append(.learnerVersion) }
        if seed != earlier.seed { changes.append(.seed) }
        if nuisances != earlier.nuisances { changes.append(.nuisances) }
        if terms != earlier.terms { changes.append(.terms) }
        if basePoints != earlier.basePoints { changes.append(.basePoints) }
        return changes
    }

    /// The learner settings that differ from an earlier surrogate's, as "name old → new",
    /// sorted by name; e.g. ["trees 100 → 300"].
    public func settingsDifferences(from earlier: SurrogateEntry) -> [String] {
        func text(_ value: Double?) -> String {
            guard let value else { return "unset" }
            return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }
        return Set(settings.keys).union(earlier.settings.keys).sorted().compactMap { name in
            settings[name] == earlier.settings[name] ? nil : "\(name) \(text(earlier.settings[name])) → \(text(settings[name]))"
        }
    }

    static let columns = "id, artifact_id, systematic, nuisances, terms, base_points, settings, seed, identity_key, plugin_sha256, plugin_name, plugin_version, plugin_path, config_json, nominal_sha256, learner_version, closure_figures, run_id, created_at, alternative_sha256"

    init(row: Row) throws {
        id = row["id"]
        artifactID = row["artifact_id"]
        systematic = row["systematic"]
        nuisances = try StoredJSON.decode([String].self, from: row["nuisances"])
        terms = try StoredJSON.decode([[Int]].self, from: row["terms"])
        basePoints = try StoredJSON.decode([[Double]].self, from: row["base_points"])
        settings = try StoredJSON.decode([String: Double].self, from: row["settings"])
        // SQLite integers are signed: seeds above Int64.max are stored as their bit pattern.
        seed = UInt64(bitPattern: row["seed"] as Int64)
        identityKey = row["identity_key"]
        pluginSHA256 = row["plugin_sha256"]
        pluginName = row["plugin_name"]
        pluginVersion = row["plugin_version"]
        pluginPath = row["plugin_path"]
        configJSON = row["config_json"]
        nominalSHA256 = row["nominal_sha256"]
        alternativeSHA256 = row["alternative_sha256"]
        learnerVersion = row["learner_version"]
        closureFigures = try StoredJSON.decode([String].self, from: row["closure_figures"])
        runID = row["run_id"]
        createdAt = row["created_at"]
    }
}

/// One reason two surrogates of a systematic differ.
public enum SurrogateChange: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case pluginBinary = "plugin binary"
    case pluginVersion = "plugin version"
    case pluginConfiguration = "plugin configuration"
    case nominalSample = "nominal sample"
    case alternativeSample = "alternative sample"
    case learnerSettings = "learner settings"
    case learnerVersion = "learner version"
    case seed
    case nuisances
    case terms
    case basePoints = "base points"

    public var description: String { rawValue }
}
