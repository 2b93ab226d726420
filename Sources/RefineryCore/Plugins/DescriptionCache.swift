import EventData
import Foundation

/// Plugin descriptions by (binary SHA-256, configuration): a plugin's spec is a function of
/// its binary and configuration, so it never has to be asked twice. Keeps `provenance stale`
/// and `train` of an unchanged workspace from starting a worker per plugin.
struct DescriptionCache {
    let folder: URL

    init(workspace: Workspace) {
        folder = workspace.root.appendingPathComponent(".cache/plugin-descriptions")
    }

    func description(pluginSHA256: String, configJSON: String,
                     describe: () throws -> PluginWorker.Description) throws -> PluginWorker.Description {
        let file = folder.appendingPathComponent(FileHash.sha256(Data((pluginSHA256 + "\n" + configJSON).utf8)) + ".json")
        if let data = try? Data(contentsOf: file), let cached = try? JSONDecoder().decode(PluginWorker.Description.self, from: data) {
            return cached
        }
        let fresh = try describe()
        // Only complete descriptions are cached: a configuration error must be reported every time.
        if fresh.spec != nil, let data = try? JSONEncoder.refinery.encode(fresh) {
            try? AtomicFile.write(data, to: file)
        }
        return fresh
    }
}
