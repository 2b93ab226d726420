import Foundation
import RefineryPluginABI

/// A loaded plugin library: the only place that calls dlopen/dlsym and reads the C
/// descriptor. Used inside the plugin worker process, never in the process that holds
/// training results (a crashing plugin must not take them down).
public final class PluginLibrary: @unchecked Sendable {
    public let path: URL
    let handle: UnsafeMutableRawPointer
    let descriptor: UnsafePointer<refinery_plugin_descriptor>

    public static func load(_ path: URL) throws -> PluginLibrary {
        guard let handle = dlopen(path.path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown reason"
            throw PluginHostError.notSharedObject(path: path.path, reason: reason)
        }
        guard let symbol = dlsym(handle, REFINERY_PLUGIN_ENTRY_SYMBOL) else {
            dlclose(handle)
            throw PluginHostError.missingEntryPoint(path: path.path)
        }
        let entry = unsafeBitCast(symbol, to: refinery_plugin_entry_fn.self)
        guard let descriptor = entry() else {
            dlclose(handle)
            throw PluginHostError.missingEntryPoint(path: path.path)
        }
        guard descriptor.pointee.abi_version == REFINERY_PLUGIN_ABI_VERSION else {
            let found = descriptor.pointee.abi_version
            dlclose(handle)
            throw PluginHostError.abiMismatch(path: path.path, found: found, expected: REFINERY_PLUGIN_ABI_VERSION)
        }
        return PluginLibrary(path: path, handle: handle, descriptor: descriptor)
    }

    private init(path: URL, handle: UnsafeMutableRawPointer, descriptor: UnsafePointer<refinery_plugin_descriptor>) {
        self.path = path
        self.handle = handle
        self.descriptor = descriptor
    }

    public var name: String { string(descriptor.pointee.name) ?? path.deletingPathExtension().lastPathComponent }
    public var version: String { string(descriptor.pointee.version) ?? "?" }
    public var summary: String { string(descriptor.pointee.description) ?? "" }
    public var configSchema: String { string(descriptor.pointee.config_schema) ?? "{}" }
    public var kind: SystematicKind? {
        switch descriptor.pointee.kind {
        case REFINERY_KIND_REWEIGHT: return .reweight
        case REFINERY_KIND_CALIBRATE: return .calibrate
        case REFINERY_KIND_ALTERNATIVE: return .alternative
        default: return nil
        }
    }

    private func string(_ pointer: UnsafePointer<CChar>?) -> String? { pointer.map { String(cString: $0) } }

    /// The plugin's spec for a configuration (JSON object text).
    public func describe(configJSON: String) throws -> SystematicSpec {
        guard let describe = descriptor.pointee.describe else {
            throw PluginHostError.pluginFailed(plugin: name, path: path.path, basePoint: nil, message: "the descriptor has no 'describe' function")
        }
        var spec = refinery_spec()
        var message = [CChar](repeating: 0, count: 4096)
        let status = describe(configJSON, &spec, &message, message.count)
        guard status == Int32(REFINERY_OK.rawValue) else {
            throw PluginHostError.pluginFailed(plugin: name, path: path.path, basePoint: nil, message: String(cString: message, encoding: .utf8) ?? "?")
        }
        return try SystematicSpec(spec, plugin: name, path: path.path)
    }

    deinit {
        // Swift plugins cannot be unloaded safely (their runtime metadata stays registered);
        // the worker process exits instead.
    }
}
