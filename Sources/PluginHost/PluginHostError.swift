import Foundation

/// Errors about plugins. Each names the plugin (or its file), its path and, where it applies,
/// the call and base point, and says what to do. Codable: a worker sends its error to the host
/// as a typed message, not as text to be parsed.
public enum PluginHostError: LocalizedError, Equatable, Codable, Sendable {
    case notFound(name: String, searched: [String])
    case ambiguous(name: String, paths: [String])
    case archivedNotTrusted(path: String, sha256: String)
    case notSharedObject(path: String, reason: String)
    case missingEntryPoint(path: String)
    case abiMismatch(path: String, found: UInt32, expected: UInt32)
    case pluginFailed(plugin: String, path: String, basePoint: String?, message: String)
    case invalidOutput(plugin: String, path: String, basePoint: String, message: String)
    case crashed(plugin: String, path: String, basePoint: String?, signal: String, output: String = "")
    case timedOut(plugin: String, path: String, call: WorkerCall, seconds: Double, output: String)
    case exitedEarly(plugin: String, path: String, call: WorkerCall?, status: Int32, output: String)
    case protocolViolation(plugin: String, path: String, message: String)
    case missingAlternativeSample
    case workerFailed(plugin: String, path: String, message: String)

    public var errorDescription: String? {
        switch self {
        case let .notFound(name, searched):
            return "no plugin named '\(name)' on the search path (\(searched.joined(separator: ", "))). Build it, put it in the workspace's plugins/ folder, or add its folder to REFINERY_PLUGIN_PATH."
        case let .ambiguous(name, paths):
            return "plugin '\(name)' is found in more than one place with different binaries: \(paths.joined(separator: ", ")). Remove or rename all but one (a plugin never silently shadows another)."
        case let .archivedNotTrusted(path, sha256):
            return "\(path) (sha256 \(sha256)) came from a workspace archive and is not run without consent. Pass --trust-archived-plugins (or set REFINERY_TRUST_ARCHIVED_PLUGINS=1) to run it, or install a binary you built yourself."
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
        case let .crashed(plugin, path, basePoint, signal, output):
            return "plugin '\(plugin)' (\(path)) crashed (\(signal))\(basePoint.map { " while producing base point \($0)" } ?? ""). Its surrogate was not trained; the other systematics are unaffected." + Self.tail(output)
        case let .timedOut(plugin, path, call, seconds, output):
            return "plugin '\(plugin)' (\(path)) did not finish \(call) within \(Self.seconds(seconds)) (wall-clock limit; REFINERY_PLUGIN_WALL_SECONDS raises it); its worker was killed." + Self.tail(output)
        case let .exitedEarly(plugin, path, call, status, output):
            return "plugin '\(plugin)' (\(path)) ended its worker (exit status \(status))\(call.map { " during \($0)" } ?? "") before reporting completion; nothing from it was kept." + Self.tail(output)
        case let .protocolViolation(plugin, path, message):
            return "plugin '\(plugin)' (\(path)): the worker broke the host protocol (\(message)); it was killed and nothing from it was kept."
        case .missingAlternativeSample:
            return "the plugin asked for the alternative-generator sample, which this workspace does not have; run `refinery simulate` first."
        case let .workerFailed(plugin, path, message):
            // The worker's own messages already name the plugin and its path.
            if message.hasPrefix("plugin '") || message.hasPrefix(path) { return message }
            return "plugin '\(plugin)' (\(path)): \(message)"
        }
    }

    static func tail(_ output: String) -> String {
        output.isEmpty ? "" : "\nlast output of the plugin (stdout/stderr, tail):\n" + output
    }

    static func seconds(_ value: Double) -> String { String(format: "%g s", value) }
}
