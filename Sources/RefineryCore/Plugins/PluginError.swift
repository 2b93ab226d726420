import Foundation

/// Errors about plugins. Each names the plugin (or its file), its path and, where it applies,
/// the base point, and says what to do.
public enum PluginHostError: LocalizedError, Equatable {
    case notFound(name: String, searched: [String])
    case notSharedObject(path: String, reason: String)
    case missingEntryPoint(path: String)
    case abiMismatch(path: String, found: UInt32, expected: UInt32)
    case pluginFailed(plugin: String, path: String, basePoint: String?, message: String)
    case invalidOutput(plugin: String, path: String, basePoint: String, message: String)
    case crashed(plugin: String, path: String, basePoint: String?, signal: String)
    case workerFailed(plugin: String, path: String, message: String)

    public var errorDescription: String? {
        switch self {
        case let .notFound(name, searched):
            return "no plugin named '\(name)' on the search path (\(searched.joined(separator: ", "))). Build it, put it in the workspace's plugins/ folder, or add its folder to REFINERY_PLUGIN_PATH."
        case let .notSharedObject(path, reason):
            return "\(path) is not a loadable shared library (\(reason)). Rebuild the plugin for this platform."
        case let .missingEntryPoint(path):
            return "\(path) does not export 'refinery_plugin_entry'; it is not a Refinery plugin. Export the entry point (see docs/plugins.md)."
        case let .abiMismatch(path, found, expected):
            return "\(path) was built for plugin ABI version \(found), this host speaks version \(expected). Rebuild the plugin against this Refinery's refinery_plugin.h."
        case let .pluginFailed(plugin, path, basePoint, message):
            return "plugin '\(plugin)' (\(path))\(basePoint.map { " at base point \($0)" } ?? "") failed: \(message)"
        case let .invalidOutput(plugin, path, basePoint, message):
            return "plugin '\(plugin)' (\(path)) returned an invalid data set for base point \(basePoint): \(message). Fix the plugin; nothing from it was kept."
        case let .crashed(plugin, path, basePoint, signal):
            return "plugin '\(plugin)' (\(path)) crashed (\(signal))\(basePoint.map { " while producing base point \($0)" } ?? ""). Its surrogate was not trained; the other systematics are unaffected."
        case let .workerFailed(plugin, path, message):
            // The worker's own messages already name the plugin and its path.
            if message.hasPrefix("plugin '") || message.hasPrefix(path) { return message }
            return "plugin '\(plugin)' (\(path)): \(message)"
        }
    }
}
