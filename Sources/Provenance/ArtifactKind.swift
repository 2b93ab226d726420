/// What an artifact is, stored literally in `artifacts.kind`.
public enum ArtifactKind: String, Codable, Sendable, CaseIterable {
    /// A simulated sample (the nominal sample is the root of every lineage).
    case sample
    /// A synthetic data set D(ν) produced by a plugin.
    case synthetic
    /// A trained surrogate model file.
    case surrogate
    case plot
    case report
    /// A packed workspace archive.
    case archive
    /// A plugin's shared library (its SHA-256 is the plugin's identity).
    case plugin
    /// A configuration file (workspace or plugin configuration).
    case configuration
}
