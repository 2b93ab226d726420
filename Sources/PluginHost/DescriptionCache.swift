import EventData
import Foundation

/// Plugin descriptions by (binary SHA-256, configuration): a plugin's spec is a function of
/// its binary and configuration, so it never has to be asked twice. Keeps `provenance stale`
/// and `train` of an unchanged workspace from starting a worker per plugin, and lets
/// read-only commands describe an archived binary without running it, if this user's own
/// trusted run described the same bytes before.
///
/// The cache lives in the user's cache folder (`$XDG_CACHE_HOME/refinery/plugin-descriptions`,
/// else `~/.cache/…`), never in a workspace: an archive must not be able to plant a
/// description (a workspace's `.cache/` travels with it, and it could lie about the spec).
public struct DescriptionCache: Sendable {
    public let folder: URL

    public init(folder: URL) { self.folder = folder }

    /// The user's cache.
    public static func user(environment: [String: String] = ProcessInfo.processInfo.environment) -> DescriptionCache {
        let base: URL
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = URL(fileURLWithPath: xdg)
        } else {
            base = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache")
        }
        return DescriptionCache(folder: base.appendingPathComponent("refinery/plugin-descriptions"))
    }

    func file(pluginSHA256: String, configJSON: String) -> URL {
        folder.appendingPathComponent(FileHash.sha256(Data((pluginSHA256 + "\n" + configJSON).utf8)) + ".json")
    }

    /// The cached description, if there is one.
    public func cached(pluginSHA256: String, configJSON: String) -> PluginDescription? {
        guard let data = try? Data(contentsOf: file(pluginSHA256: pluginSHA256, configJSON: configJSON)) else { return nil }
        return try? JSONDecoder().decode(PluginDescription.self, from: data)
    }

    public func description(pluginSHA256: String, configJSON: String,
                            describe: () throws -> PluginDescription) throws -> PluginDescription {
        if let cached = cached(pluginSHA256: pluginSHA256, configJSON: configJSON) { return cached }
        let fresh = try describe()
        // Only complete descriptions are cached: a configuration error must be reported every time.
        if fresh.spec != nil, let data = try? JSONEncoder.refinery.encode(fresh) {
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try? AtomicFile.write(data, to: file(pluginSHA256: pluginSHA256, configJSON: configJSON))
        }
        return fresh
    }
}
