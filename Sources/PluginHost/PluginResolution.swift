import Foundation

/// How a plugin name was resolved: the binary chosen, where it was found and every place the
/// name matched (identical binaries only; different ones are an error).
public struct PluginResolution: Sendable, Codable, Equatable {
    public var name: String
    public var url: URL
    /// Which search-path folder it came from; nil for an explicit path.
    public var origin: PluginCatalog.SearchFolder.Origin?
    public var sha256: String
    public var candidates: [String]
    /// The name matched different binaries and the store's record chose this archived one
    /// (with consent; `PluginCatalog.resolve(_:recorded:)`).
    public var chosenByRecord = false

    public init(name: String, url: URL, origin: PluginCatalog.SearchFolder.Origin?, sha256: String, candidates: [String],
                chosenByRecord: Bool = false) {
        self.name = name
        self.url = url
        self.origin = origin
        self.sha256 = sha256
        self.candidates = candidates
        self.chosenByRecord = chosenByRecord
    }

    public var text: String {
        "\(name) → \(url.path) (\(origin?.rawValue ?? "explicit path"), sha256 \(sha256.prefix(12))"
            + (chosenByRecord ? ", the recorded binary among \(candidates.count) different ones)" : ")")
    }
}
