/// What `describe` tells of a plugin for one configuration: its info and, if the
/// configuration is acceptable, its spec (else the plugin's own words in `specError`).
public struct PluginDescription: Codable, Sendable, Equatable {
    public var name: String
    public var version: String
    public var summary: String
    public var kind: SystematicKind
    public var abiVersion: UInt32
    public var configSchema: String
    public var spec: SystematicSpec?
    public var specError: String?
}
